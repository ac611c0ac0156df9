import { createRequire } from 'node:module';
import type * as YamlLibrary from 'yaml';
import type { Document, Node, Range as YamlRange } from 'yaml';
import { diag } from '../../diagnostics/codes.js';
import type { Diagnostic } from '../../diagnostics/types.js';
import { type DocPath, pathKey } from '../../source/doc-path.js';
import { LocationTable } from '../../source/locations.js';
import type { SourceFile } from '../../source/source-file.js';
import { composeCommonSubset } from './common-subset.js';

export interface ParseResult {
  /** The document as plain data; undefined when it could not be parsed at all. */
  value: unknown;
  locations: LocationTable;
  diagnostics: Diagnostic[];
}

/** Deeper than this is certainly a mistake (or an attack) and would only exhaust the stack later. */
const MAX_DEPTH = 128;
/** Alias expansions allowed per document: keeps `&a [*b, *b, ...]` bombs from blowing up memory. */
const MAX_ALIAS_NODES = 10_000;

/**
 * The yaml library, loaded on first use: most specs are read by the common-subset composer, and loading the
 * library (some 70 modules) would be a good part of a cold `dlc lint`.
 */
let yamlLibrary: typeof YamlLibrary | undefined;
function yaml(): typeof YamlLibrary {
  yamlLibrary ??= createRequire(import.meta.url)('yaml') as typeof YamlLibrary;
  return yamlLibrary;
}

/** Phase 1: text to plain data plus a table from document paths to source ranges. */
export function parse(source: SourceFile): ParseResult {
  const at = (start: number, end: number) => ({ file: source.path, range: source.rangeAt(start, end) });

  if (source.text.trim() === '') {
    const diagnostics = [diag('DLC105', at(0, 0), [], 'the file is empty', { hint: 'a spec starts with `dlc: 1` and `name: ...`' })];
    return { value: undefined, locations: new LocationTable(source), diagnostics };
  }

  if (source.path.toLowerCase().endsWith('.json')) {
    const jsonError = strictJsonError(source.text);
    if (jsonError) {
      const diagnostics = [diag('DLC103', at(jsonError.offset, jsonError.offset + 1), [], jsonError.message)];
      return { value: undefined, locations: new LocationTable(source), diagnostics };
    }
  }

  const common = composeCommonSubset(source);
  if (common) return { value: common.value, locations: common.locations, diagnostics: [] };
  return parseWithYamlLibrary(source);
}

/**
 * The full yaml composer: every input the common subset leaves, and the reference the subset is tested
 * against. Also what reports every YAML-level problem (DLC101-106).
 */
export function parseWithYamlLibrary(source: SourceFile): ParseResult {
  const { isAlias, isMap, isPair, isScalar, isSeq, parseAllDocuments } = yaml();
  const locations = new LocationTable(source);
  const diagnostics: Diagnostic[] = [];
  const at = (start: number, end: number) => ({ file: source.path, range: source.rangeAt(start, end) });

  let docs: Document.Parsed[];
  try {
    const parsed = parseAllDocuments(source.text, { uniqueKeys: true, prettyErrors: false, strict: true, version: '1.2' });
    docs = Array.isArray(parsed) ? parsed : [];
  } catch (e) {
    // The YAML parser recurses; absurd nesting ends here rather than in a crash.
    diagnostics.push(diag('DLC101', at(0, 0), [], `the file cannot be parsed as YAML (${(e as Error).message})`));
    return { value: undefined, locations, diagnostics };
  }
  if (docs.length === 0) {
    diagnostics.push(diag('DLC105', at(0, 0), [], 'the file holds no YAML document (only comments?)'));
    return { value: undefined, locations, diagnostics };
  }
  if (docs.length > 1) {
    const second = docs[1]!;
    const start = second.range?.[0] ?? 0;
    diagnostics.push(diag('DLC104', at(start, start + 3), [], 'a second YAML document starts here; a spec file holds one document', { hint: 'remove the `---` separator, or split the file' }));
    return { value: undefined, locations, diagnostics };
  }
  const doc = docs[0]!;
  for (const err of doc.errors) {
    const [s, e] = err.pos;
    const code = err.code === 'DUPLICATE_KEY' ? 'DLC102' : 'DLC101';
    const key = source.text.slice(s, s + 200).split(/[:\n]/)[0]?.trim();
    const message = err.code === 'DUPLICATE_KEY' ? `key '${key}' appears twice in one mapping; each key may appear once` : firstLine(err.message);
    diagnostics.push(diag(code, at(s, Math.max(e, s + 1)), [], message));
  }
  for (const w of doc.warnings) {
    const [s, e] = w.pos;
    if (w.code === 'TAG_RESOLVE_FAILED') {
      diagnostics.push(diag('DLC106', at(s, Math.max(e, s + 1)), [], `${firstLine(w.message)}; dlc accepts only plain YAML values`));
    }
  }
  if (diagnostics.some((d) => d.severity === 'error')) return { value: undefined, locations, diagnostics };

  const state = { aliasNodes: 0 };
  const toPlain = (node: unknown, path: DocPath, depth: number, keyRange?: YamlRange): unknown => {
    if (depth > MAX_DEPTH) {
      const r = (node as Node | null)?.range;
      diagnostics.push(diag('DLC106', at(r?.[0] ?? 0, r?.[1] ?? 0), path, `nested deeper than ${MAX_DEPTH} levels`));
      return null;
    }
    if (node === null || node === undefined) return null;
    if (isAlias(node)) {
      const target = node.resolve(doc);
      if (!target) return null;
      state.aliasNodes++;
      if (state.aliasNodes > MAX_ALIAS_NODES) {
        if (state.aliasNodes === MAX_ALIAS_NODES + 1) diagnostics.push(diag('DLC106', at(node.range![0], node.range![1]), path, `more than ${MAX_ALIAS_NODES} alias expansions`));
        return null;
      }
      // Record the alias's own position: errors inside the expanded value point at the alias.
      record(path, node.range, keyRange);
      return toPlain(target, path, depth + 1);
    }
    const n = node as Node;
    record(path, n.range, keyRange);
    if (isScalar(n)) {
      const v = n.value;
      if (typeof v === 'bigint') return Number(v);
      if (v instanceof Date) return v.toISOString();
      return v;
    }
    if (isSeq(n)) return n.items.map((item, i) => toPlain(item, [...path, i], depth + 1));
    if (isMap(n)) {
      const out: Record<string, unknown> = {};
      for (const pair of n.items) {
        if (!isPair(pair)) continue;
        const k = pair.key;
        let key: string;
        if (isScalar(k) && (typeof k.value === 'string' || typeof k.value === 'number' || typeof k.value === 'boolean')) {
          key = String(k.value);
        } else if (k === null || (isScalar(k) && k.value === null)) {
          key = '';
        } else {
          const r = (k as Node).range;
          diagnostics.push(diag('DLC106', at(r?.[0] ?? 0, r?.[1] ?? 0), path, 'keys must be plain strings, not lists or maps'));
          continue;
        }
        const kr = isScalar(k) ? k.range ?? undefined : undefined;
        // defineProperty: a key named `__proto__` must be data, never the object's prototype.
        Object.defineProperty(out, key, { value: toPlain(pair.value, [...path, key], depth + 1, kr), enumerable: true, writable: true, configurable: true });
        if (pair.value === null && kr) record([...path, key], [kr[1], kr[1], kr[1]], kr);
      }
      return out;
    }
    return null;
  };
  const record = (path: DocPath, r: YamlRange | null | undefined, keyRange: YamlRange | undefined) => {
    if (!r) return;
    locations.setOffsets(pathKey(path), source, r[0], r[1], keyRange ? keyRange[0] : -1, keyRange ? keyRange[1] : -1);
  };
  const value = toPlain(doc.contents, [], 0);
  if (diagnostics.some((d) => d.severity === 'error')) return { value: undefined, locations, diagnostics };
  return { value, locations, diagnostics };
}

function firstLine(s: string): string {
  const line = s.split('\n')[0] ?? s;
  return line.replace(/ at line \d+, column \d+:?$/, '');
}

/** Strict JSON check for .json specs: YAML would accept comments and trailing commas that JSON does not. */
function strictJsonError(text: string): { offset: number; message: string } | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch (e) {
    const msg = (e as Error).message;
    const m = /position (\d+)/.exec(msg);
    const offset = m ? Number(m[1]) : text.length;
    return { offset, message: msg.replace(/ in JSON at position \d+.*$/, '').replace(/^JSON\.parse: /, '') };
  }
}
