import { didYouMean } from '../../../diagnostics/did-you-mean.js';
import type { DocPath } from '../../../source/doc-path.js';
import { type ArgKind, LAYERS } from '../../../spec/layers.js';
import type { SpaceEntry, TrainStep } from '../../../spec/types.js';
import { scanInterpolations } from '../../3-resolve/interpolate.js';
import type { AnalysisContext } from '../context.js';

interface HpUse {
  name: string;
  path: DocPath;
  raw: string;
  whole: boolean;
}

/** Every `${hp.x}` in a step, wherever it is written. */
export function hpUses(value: unknown, path: DocPath): HpUse[] {
  const out: HpUse[] = [];
  const walk = (v: unknown, p: DocPath) => {
    if (typeof v === 'string' && v.includes('${')) {
      const scan = scanInterpolations(v);
      for (const part of scan.parts) {
        if (typeof part !== 'string' && part.ns === 'hp') out.push({ name: part.name.join('.'), path: p, raw: part.raw, whole: v.trim() === part.raw });
      }
    } else if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...p, i]));
    else if (v && typeof v === 'object') for (const k of Object.keys(v)) walk((v as Record<string, unknown>)[k], [...p, k]);
  };
  walk(value, path);
  return out;
}

/**
 * `${hp.x}` must name a search-space entry, every entry should be used, `${hp}` outside a searching
 * train step is an error, and a parameter's values must fit the place they are used in.
 */
export function checkHyperparameters(ctx: AnalysisContext): void {
  for (const [id, step] of Object.entries(ctx.spec.steps ?? {})) {
    const uses = hpUses(step, ['steps', id]);
    if (step.op !== 'train' || !step.search) {
      for (const u of uses) {
        const why = step.op === 'train' ? 'this train step has no search: space' : `only train steps take hyperparameters, and this is a ${step.op} step`;
        ctx.report('DLC406', u.path, `'${u.raw}' cannot be bound: ${why}`, { at: ctx.locations.locateInside(u.path, u.raw) });
      }
      continue;
    }
    const space = step.search.space;
    const names = Object.keys(space);
    const used = new Set<string>();
    for (const u of uses) {
      if (u.path[2] === 'search') continue;
      if (!Object.prototype.hasOwnProperty.call(space, u.name)) {
        ctx.report('DLC404', u.path, `'${u.raw}' names no entry of the search space${didYouMean(u.name, names)}`, { at: ctx.locations.locateInside(u.path, u.raw), hint: `entries: ${names.join(', ')}` });
        continue;
      }
      used.add(u.name);
      if (u.whole) checkValueKinds(ctx, step, u, space[u.name]!);
    }
    // A factory or an external trainer receives the whole configuration, so its entries need no ${hp.x} to
    // be used; a factory's parameter type says which it reads (rules/model-factory.ts).
    const passedWhole = step.model?.module !== undefined || step.model?.command !== undefined;
    for (const name of names) {
      if (!used.has(name) && !passedWhole) ctx.report('DLC405', ['steps', id, 'search', 'space', name], `search-space entry '${name}' is not used by any \${hp.${name}} in this step`, { prefer: 'key', hint: 'use it, or remove it: an unused entry multiplies the trials for nothing' });
    }
  }
}

/** What a place in a train step accepts, so a choice of 1.5 filters is caught before training. */
function expectedKind(step: TrainStep, path: DocPath): ArgKind | undefined {
  const rel = path.slice(2);
  if (rel[0] === 'batch_size' || rel[0] === 'epochs') return { kind: 'int', min: 1 };
  if (rel[0] === 'optimizer' && rel[1] === 'learning_rate') return { kind: 'number', min: 0 };
  if (rel[0] === 'model' && rel[1] === 'layers' && typeof rel[2] === 'number' && typeof rel[3] === 'string' && typeof rel[4] === 'string') {
    const layer = LAYERS[rel[3]];
    return layer?.args[rel[4]];
  }
  void step;
  return undefined;
}

function possibleValues(entry: SpaceEntry): { values?: unknown[]; numeric?: { lo: number; hi: number; integer: boolean } } {
  if (entry.choice) return { values: entry.choice };
  if (entry.grid) return { values: entry.grid };
  if (entry.int) return { numeric: { lo: entry.int[0], hi: entry.int[1], integer: true } };
  if (entry.logint) return { numeric: { lo: entry.logint[0], hi: entry.logint[1], integer: true } };
  if (entry.uniform) return { numeric: { lo: entry.uniform[0], hi: entry.uniform[1], integer: false } };
  if (entry.loguniform) return { numeric: { lo: entry.loguniform[0], hi: entry.loguniform[1], integer: false } };
  if (entry.quniform) return { numeric: { lo: entry.quniform[0], hi: entry.quniform[1], integer: Number.isInteger(entry.quniform[2]) && Number.isInteger(entry.quniform[0]) } };
  if (entry.normal) return { numeric: { lo: -Infinity, hi: Infinity, integer: false } };
  return {};
}

function checkValueKinds(ctx: AnalysisContext, step: TrainStep, use: HpUse, entry: SpaceEntry): void {
  const kind = expectedKind(step, use.path);
  if (!kind) return;
  const { values, numeric } = possibleValues(entry);
  const bad = (why: string) =>
    ctx.report('DLC416', use.path, `'${use.raw}' ${why}`, { at: ctx.locations.locateInside(use.path, use.raw), related: [{ ...ctx.locations.locate(['steps', use.path[1] as string, 'search', 'space', use.name]), message: `the entry '${use.name}' is defined here` }] });
  const fits = (v: unknown): boolean => {
    switch (kind.kind) {
      case 'int':
        return typeof v === 'number' && Number.isInteger(v) && (kind.min === undefined || v >= kind.min);
      case 'number':
        return typeof v === 'number' && (kind.min === undefined || v >= kind.min) && (kind.max === undefined || v <= kind.max);
      case 'bool':
        return typeof v === 'boolean';
      case 'enum':
        return typeof v === 'string' && kind.values.includes(v);
      case 'int_or_ints':
        return (typeof v === 'number' && Number.isInteger(v) && v >= (kind.min ?? 1)) || (Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isInteger(x)));
      case 'ints':
        return Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isInteger(x));
    }
  };
  if (values) {
    const wrong = values.filter((v) => !fits(v));
    if (wrong.length) bad(`can be ${wrong.map((w) => JSON.stringify(w)).join(', ')}, which does not fit here (expected ${describeKind(kind)})`);
  } else if (numeric) {
    if ((kind.kind === 'int' || kind.kind === 'int_or_ints') && !numeric.integer) bad(`draws real numbers, but this place takes ${describeKind(kind)}; use int, logint or choice`);
    else if (kind.kind === 'enum' || kind.kind === 'bool') bad(`draws numbers, but this place takes ${describeKind(kind)}`);
    else if ('min' in kind && kind.min !== undefined && numeric.lo < kind.min) bad(`can be as low as ${numeric.lo}, below the minimum ${kind.min} here`);
    else if ('max' in kind && kind.max !== undefined && numeric.hi > kind.max) bad(`can be as high as ${numeric.hi}, above the maximum ${kind.max} here`);
  }
}

function describeKind(k: ArgKind): string {
  switch (k.kind) {
    case 'int': return k.min !== undefined ? `an integer ≥ ${k.min}` : 'an integer';
    case 'number': return k.min !== undefined && k.max !== undefined ? `a number from ${k.min} to ${k.max}` : k.min !== undefined ? `a number ≥ ${k.min}` : 'a number';
    case 'bool': return 'true or false';
    case 'enum': return `one of ${k.values.join(', ')}`;
    case 'int_or_ints': return 'an integer or a list of integers';
    case 'ints': return 'a list of integers';
  }
}
