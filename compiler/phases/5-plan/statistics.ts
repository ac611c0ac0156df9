/**
 * Sizes of every table in the DAG, for the cost models: sources from their files' metadata (through the
 * host), steps derived from their inputs. Each number says where it came from; a step only ever passes
 * its inputs' origin on as `estimate`. Key cardinalities come from the host's sketches of the sources
 * that key columns originate in, scaled to the rows that reach the join.
 */
import type { KeySketch, SourceToInspect } from '../../host.js';
import type { ColumnType, TableSchema } from '../../spec/columns.js';
import type { SourceSpec, StepSpec } from '../../spec/types.js';
import type { AnalysisContext } from '../4-analyze/index.js';
import type { InputOrigin } from './plan-types.js';

export interface Sized {
  value: number;
  from: InputOrigin;
  note?: string;
}

export interface TableSize {
  rows: Sized | null;
  /** Columnar (in-memory) bytes: what moves between workers and what a hash table holds. */
  bytes: Sized | null;
}

const SCALAR_BYTES: Record<string, number> = { bool: 1, int8: 1, int16: 2, int32: 4, int64: 8, uint8: 1, float32: 4, float64: 8, date: 4, timestamp: 8 };
/** A string column's bytes per row when nothing measured it: 16 characters and a 4-byte offset. */
export const DEFAULT_STRING_BYTES = 20;

export function columnBytes(t: ColumnType): number | null {
  if (typeof t === 'string') return SCALAR_BYTES[t] ?? null;
  if (t.shape.some((d) => d < 0)) return null;
  return t.shape.reduce((a, b) => a * b, 1) * (t.tensor === 'uint8' ? 1 : 4);
}

/** Bytes per row of a schema; strings at their default width, which `fixed` says was not needed. */
export function rowBytes(schema: TableSchema | undefined): { bytes: number; fixed: boolean } | null {
  if (!schema) return null;
  let bytes = 0;
  let fixed = true;
  for (const c of schema) {
    const b = columnBytes(c.type);
    if (b === null) {
      if (c.type !== 'string') return null;
      bytes += DEFAULT_STRING_BYTES;
      fixed = false;
    } else bytes += b;
  }
  return { bytes, fixed };
}

/** The source definition as the host's inspector takes it (paths already absolute). */
export function sourceToInspect(src: SourceSpec): SourceToInspect {
  switch (src.format) {
    case 'idx':
      return { format: 'idx', images: src.images, ...(src.labels !== undefined ? { labels: src.labels } : {}) };
    case 'csv':
      return { format: 'csv', path: src.path, ...(src.delimiter !== undefined ? { delimiter: src.delimiter } : {}), ...(src.header !== undefined ? { header: src.header } : {}) };
    default:
      return { format: src.format, path: src.path };
  }
}

const asList = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const key = (id: string, output: string) => `${id}\u0000${output}`;

/** Where a set of columns comes from: the source they were read from and what share of its rows remain. */
export interface ColumnOrigin {
  source: string;
  /** Rows here over rows in the source, when both are known. */
  fraction: number | null;
}

export class PlanStatistics {
  private sizes = new Map<string, TableSize>();
  private sketches = new Map<string, KeySketch | undefined>();

  constructor(private readonly ctx: AnalysisContext) {}

  /** The size of one output (`default`, a split's part). */
  size(id: string, output = 'default'): TableSize {
    const k = key(id, output);
    let s = this.sizes.get(k);
    if (!s) {
      s = this.compute(id, output);
      this.sizes.set(k, s);
    }
    return s;
  }

  schema(id: string, output = 'default'): TableSchema | undefined {
    return this.ctx.nodes.get(id)?.outputs.get(output)?.schema;
  }

  /** The reference a step makes from `field` (`from`, `left`, or `data`, `train`). */
  input(id: string, ...field: string[]): { target: string; output: string } | undefined {
    return this.ctx.inputsOf(id).find((r) => r.path.length === field.length + 2 && field.every((f, i) => r.path[i + 2] === f));
  }

  private compute(id: string, output: string): TableSize {
    const src = this.ctx.spec.sources?.[id];
    if (src) return this.sourceSize(id, src);
    const step = this.ctx.spec.steps?.[id];
    if (!step) return { rows: null, bytes: null };
    return this.stepSize(id, output, step);
  }

  private sourceSize(id: string, src: SourceSpec): TableSize {
    const stats = this.ctx.nodes.get(id)?.stats;
    if (!stats) return { rows: null, bytes: null };
    const rows: Sized | null =
      stats.rows !== undefined
        ? { value: stats.rows, from: 'file metadata', note: stats.schemaFrom ?? src.format }
        : stats.rowsEstimate !== undefined
          ? stats.rowsFrom === 'every line counted'
            ? { value: stats.rowsEstimate, from: 'file metadata', note: 'every line counted' }
            : { value: stats.rowsEstimate, from: 'sample', note: stats.rowsFrom ?? 'sampled rows scaled to the file size' }
          : null;
    const width = rowBytes(this.schema(id));
    let bytes: Sized;
    if (rows && width?.fixed) bytes = { value: rows.value * width.bytes, from: rows.from, note: `rows × ${width.bytes} bytes per row` };
    else if (stats.uncompressedBytes !== undefined) bytes = { value: stats.uncompressedBytes, from: 'file metadata', note: 'uncompressed column chunks' };
    else bytes = { value: stats.bytes, from: 'file metadata', note: 'file size' };
    return { rows, bytes };
  }

  private stepSize(id: string, output: string, step: StepSpec): TableSize {
    const derived = (value: number, note: string): Sized => ({ value, from: 'estimate', note });
    switch (step.op) {
      case 'transform': {
        const from = this.input(id, 'from');
        if (!from) return { rows: null, bytes: null };
        const up = this.size(from.target, from.output);
        const filtered = step.filter !== undefined || (step.dropna !== undefined && step.dropna !== false);
        const rows = up.rows ? derived(up.rows.value, filtered ? `as ${from.target}, an upper bound: the filter's selectivity is not known` : `as ${from.target}`) : null;
        const wIn = rowBytes(this.schema(from.target, from.output));
        const wOut = rowBytes(this.schema(id));
        const bytes = up.bytes
          ? wIn && wOut && wIn.bytes > 0
            ? derived((up.bytes.value * wOut.bytes) / wIn.bytes, `bytes of ${from.target} × ${wOut.bytes}/${wIn.bytes} for the changed columns`)
            : derived(up.bytes.value, `as ${from.target}`)
          : null;
        return { rows, bytes };
      }
      case 'split': {
        const from = this.input(id, 'from');
        const fraction = step.fractions[output];
        if (!from || fraction === undefined) return { rows: null, bytes: null };
        const up = this.size(from.target, from.output);
        const note = `${fraction} of ${from.target}`;
        return { rows: up.rows ? derived(Math.round(up.rows.value * fraction), note) : null, bytes: up.bytes ? derived(up.bytes.value * fraction, note) : null };
      }
      case 'join': {
        const left = this.input(id, 'left');
        const right = this.input(id, 'right');
        if (!left || !right) return { rows: null, bytes: null };
        const l = this.size(left.target, left.output);
        const r = this.size(right.target, right.output);
        if (!l.rows || !r.rows) return { rows: null, bytes: null };
        const keys = asList(step.on);
        const dl = this.keyDistinct(left.target, left.output, keys);
        const dr = this.keyDistinct(right.target, right.output, keys);
        const how = step.how ?? 'inner';
        let rows: number;
        if (how === 'semi' || how === 'anti') rows = l.rows.value;
        else {
          // Each key value pairs its rows on both sides: |L|·|R| / max(d_L, d_R); one match per row without sketches.
          const inner = dl && dr ? (l.rows.value * r.rows.value) / Math.max(dl.value, dr.value, 1) : Math.max(l.rows.value, r.rows.value);
          rows = how === 'left' ? Math.max(inner, l.rows.value) : how === 'right' ? Math.max(inner, r.rows.value) : how === 'full' ? Math.max(inner, l.rows.value, r.rows.value) : inner;
        }
        const perRow = (s: TableSize) => (s.bytes && s.rows && s.rows.value > 0 ? s.bytes.value / s.rows.value : null);
        const wl = perRow(l);
        const wr = perRow(r);
        const width = how === 'semi' || how === 'anti' ? wl : wl !== null && wr !== null ? wl + wr : null;
        const note = dl && dr ? 'rows × rows / the larger distinct-key count' : 'one match per row (no key statistics)';
        return { rows: derived(Math.round(rows), note), bytes: width !== null ? derived(rows * width, 'rows × both inputs\' bytes per row') : null };
      }
      case 'predict': {
        const from = this.input(id, 'from');
        return from ? this.size(from.target, from.output) : { rows: null, bytes: null };
      }
      default:
        return { rows: null, bytes: null };
    }
  }

  /**
   * The source `columns` come from, following them up through steps that keep them unchanged; undefined
   * when a step computes them (a derive, a cast, a SQL query) or the path forks in a way the planner does
   * not follow.
   */
  origin(id: string, output: string, columns: string[]): ColumnOrigin | undefined {
    const here = this.size(id, output).rows?.value ?? null;
    const at = this.originSource(id, output, columns, 0);
    if (at === undefined) return undefined;
    const there = this.size(at, 'default').rows?.value ?? null;
    return { source: at, fraction: here !== null && there !== null && there > 0 ? Math.min(1, here / there) : null };
  }

  private originSource(id: string, output: string, columns: string[], depth: number): string | undefined {
    if (depth > 10_000) return undefined;
    if (this.ctx.spec.sources?.[id]) return id;
    const step = this.ctx.spec.steps?.[id];
    if (!step) return undefined;
    const follow = (field: string) => {
      const r = this.input(id, field);
      return r ? this.originSource(r.target, r.output, columns, depth + 1) : undefined;
    };
    switch (step.op) {
      case 'transform': {
        const changed = new Set([...Object.keys(step.derive ?? {}), ...Object.keys(step.cast ?? {}), ...Object.keys(step.normalize ?? {}), ...(Array.isArray(step.one_hot) ? step.one_hot : Object.keys(step.one_hot ?? {}))]);
        if (columns.some((c) => changed.has(c))) return undefined;
        if (step.select && columns.some((c) => !step.select!.includes(c))) return undefined;
        return follow('from');
      }
      case 'split':
        return follow('from');
      case 'join': {
        const leftRef = this.input(id, 'left');
        const rightRef = this.input(id, 'right');
        const has = (r: { target: string; output: string } | undefined) => !!r && columns.every((c) => this.schema(r.target, r.output)?.some((x) => x.name === c));
        if (has(leftRef)) return follow('left');
        if (has(rightRef) && !columns.some((c) => this.schema(leftRef?.target ?? '', leftRef?.output)?.some((x) => x.name === c))) return follow('right');
        return undefined;
      }
      case 'predict':
        return follow('from');
      default:
        return undefined;
    }
  }

  /** The host's sketch of `columns` in source `id`, asked once per source and key. */
  sketch(id: string, columns: string[]): KeySketch | undefined {
    const k = `${id}\u0000${columns.join('\u0000')}`;
    if (this.sketches.has(k)) return this.sketches.get(k);
    const src = this.ctx.spec.sources?.[id];
    const have = this.schema(id);
    let s: KeySketch | undefined;
    if (src && this.ctx.host.keySketches && (!have || columns.every((c) => have.some((x) => x.name === c)))) {
      s = this.ctx.host.keySketches(sourceToInspect(src), [columns])[0];
    }
    this.sketches.set(k, s);
    return s;
  }

  /**
   * Distinct keys reaching a join input: the source's sketch, scaled to the share of its rows that get
   * here. A random share f of N rows with d distinct values (each N/d times) keeps d·(1 − (1 − f)^(N/d)).
   */
  keyDistinct(id: string, output: string, columns: string[]): Sized | null {
    const o = this.origin(id, output, columns);
    if (!o) return null;
    const s = this.sketch(o.source, columns);
    if (!s) return null;
    const total = this.size(o.source).rows?.value ?? null;
    const origin: InputOrigin = s.complete ? 'file metadata' : 'sample';
    if (o.fraction === null || o.fraction >= 1 || total === null) return { value: Math.round(s.distinct), from: origin, note: `${s.from}${o.source !== id ? ` (in ${o.source})` : ''}` };
    const perValue = total / Math.max(1, s.distinct);
    const kept = s.distinct * (1 - Math.pow(1 - o.fraction, perValue));
    return { value: Math.max(1, Math.round(kept)), from: 'estimate', note: `${s.from} in ${o.source}, scaled to ${Number(o.fraction.toFixed(3))} of its rows` };
  }

  /** Whether the data a step reads is partitioned already: a glob of several files, or `partitioned_by`. */
  partitioned(id: string, output: string): { partitioned: boolean; source?: string } {
    const src = this.originSource(id, output, [], 0);
    if (!src) return { partitioned: false };
    const spec = this.ctx.spec.sources?.[src];
    // An IDX source's two files are its columns (images, labels), not partitions.
    const files = spec?.format === 'idx' ? 1 : (this.ctx.nodes.get(src)?.stats?.files.length ?? 1);
    return { partitioned: files > 1 || asList(spec?.partitioned_by).length > 0, source: src };
  }

  /** The columns a source declares itself partitioned on. */
  partitionedBy(source: string): string[] {
    return asList(this.ctx.spec.sources?.[source]?.partitioned_by);
  }
}
