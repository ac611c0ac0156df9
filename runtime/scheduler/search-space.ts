/**
 * Search spaces to configurations: the grid (every combination) and random draws.
 *
 * Entries are visited in declaration order, and a conditional entry (`when: {param: value}`) exists only in
 * configurations where every named parameter already holds that value. A condition naming a parameter
 * declared later never holds, as in the planner's grid count (compiler/phases/5-plan/search-size.ts), so
 * the plan and the run agree on how many configurations there are. Values compare by their JSON text,
 * as the compiler's checks do.
 */
import type { SpaceEntry } from '../../compiler/spec/types.js';
import { SPACE_KINDS, type SpaceKind } from '../../compiler/spec/vocabulary.js';
import { createRng, type Rng } from '../random/rng.js';

export interface Configuration {
  /** Stable: a grid's position in enumeration order, or a random draw's index. */
  id: number;
  /** Parameter values, keys in declaration order; inactive conditional entries are absent. */
  params: Record<string, unknown>;
}

export class SearchSpaceError extends Error {
  constructor(
    readonly param: string,
    message: string,
  ) {
    super(`search space entry '${param}': ${message}`);
    this.name = 'SearchSpaceError';
  }
}

/** The distributions a grid can enumerate; the compiler rejects the others under `algorithm: grid` (DLC415). */
const ENUMERABLE: readonly SpaceKind[] = ['choice', 'grid', 'int'];

/** A guard against grids that would not fit in memory; far above any search one would train. */
export const DEFAULT_MAX_GRID = 1_000_000;

/**
 * Every combination of the space's choice/grid/int entries: the first entry varies slowest, the last
 * fastest; ids count from 0 in that order.
 */
export function enumerateGrid(space: Record<string, SpaceEntry>, options: { limit?: number } = {}): Configuration[] {
  const limit = options.limit ?? DEFAULT_MAX_GRID;
  let partial: Record<string, unknown>[] = [{}];
  for (const [name, entry] of Object.entries(space)) {
    const kind = kindOf(name, entry);
    if (!ENUMERABLE.includes(kind)) {
      throw new SearchSpaceError(name, `grid search cannot enumerate a ${kind} distribution; use choice, grid or int values, or random search`);
    }
    const values = enumerate(name, kind, entry);
    const next: Record<string, unknown>[] = [];
    for (const params of partial) {
      if (!isActive(entry, params)) {
        next.push(params);
        continue;
      }
      for (const v of values) next.push({ ...params, [name]: v });
      if (next.length > limit) throw new SearchSpaceError(name, `the grid has more than ${limit} configurations`);
    }
    partial = next;
  }
  // Partial configurations share values; each final one gets its own copy.
  return partial.map((params, id) => ({ id, params: copy(params) }));
}

/** `trials` random configurations; configuration i is sampleConfiguration(space, seed, i). */
export function sampleRandom(space: Record<string, SpaceEntry>, options: { seed: number; trials: number }): Configuration[] {
  if (!Number.isSafeInteger(options.trials) || options.trials < 0) throw new RangeError(`trials must be a whole number >= 0, got ${options.trials}`);
  for (const [name, entry] of Object.entries(space)) checkEntry(name, entry);
  return Array.from({ length: options.trials }, (_, id) => sampleConfiguration(space, options.seed, id));
}

/**
 * One random configuration. Each parameter draws from its own stream (seed, trial id, parameter name), so
 * a configuration does not depend on how many trials were asked for, and adding, removing or reordering
 * other parameters (or a condition turning one off) leaves this parameter's value as it was.
 */
export function sampleConfiguration(space: Record<string, SpaceEntry>, seed: number, id: number): Configuration {
  const params: Record<string, unknown> = {};
  for (const [name, entry] of Object.entries(space)) {
    if (!isActive(entry, params)) continue;
    params[name] = drawValue(name, entry, seed, id);
  }
  return { id, params };
}

function drawValue(name: string, entry: SpaceEntry, seed: number, id: number): unknown {
  return drawWith(name, entry, createRng(seed, `trial:${id}/param:${name}`));
}

/** One value of an entry's distribution, drawn from `rng` (searches that sample from their own streams). */
export function drawWith(name: string, entry: SpaceEntry, rng: Rng): unknown {
  const kind = kindOf(name, entry);
  checkEntry(name, entry);
  switch (kind) {
    case 'choice':
    case 'grid':
      return copy(rng.pick(entry[kind]!));
    case 'uniform': {
      const [lo, hi] = entry.uniform!;
      return lo + rng.next() * (hi - lo);
    }
    case 'quniform': {
      // Multiples of q within [lo, hi], each equally likely (hyperopt's round(uniform/q)·q gives the two ends
      // half weight and can step outside the bounds).
      const [lo, hi, q] = entry.quniform!;
      const k = rng.int(Math.ceil(lo / q - 1e-9), Math.floor(hi / q + 1e-9));
      return tidy(k * q);
    }
    case 'loguniform': {
      const [lo, hi] = entry.loguniform!;
      return clamp(Math.exp(Math.log(lo) + rng.next() * (Math.log(hi) - Math.log(lo))), lo, hi);
    }
    case 'int': {
      const [lo, hi] = entry.int!;
      return rng.int(lo, hi);
    }
    case 'logint': {
      // Uniform in log space over [lo − ½, hi + ½) and rounded, so each end gets its full share.
      const [lo, hi] = entry.logint!;
      const a = Math.log(lo - 0.5);
      const b = Math.log(hi + 0.5);
      return clamp(Math.round(Math.exp(a + rng.next() * (b - a))), lo, hi);
    }
    case 'normal': {
      const [mean, sd] = entry.normal!;
      return mean + sd * rng.normal();
    }
  }
}

export function kindOf(name: string, entry: SpaceEntry): SpaceKind {
  const kinds = SPACE_KINDS.filter((k) => entry[k] !== undefined);
  if (kinds.length !== 1) {
    throw new SearchSpaceError(name, kinds.length === 0 ? 'no distribution' : `both ${kinds[0]} and ${kinds[1]}; give exactly one`);
  }
  return kinds[0]!;
}

/** The bounds the compiler checks (DLC408), checked again: a run must not sample from a broken range. */
function checkEntry(name: string, entry: SpaceEntry): void {
  const kind = kindOf(name, entry);
  const v = entry[kind] as unknown[];
  const fail = (m: string): never => {
    throw new SearchSpaceError(name, m);
  };
  if (kind === 'choice' || kind === 'grid') {
    if (!Array.isArray(v) || v.length === 0) fail(`${kind} needs a non-empty list`);
    return;
  }
  const nums = v as number[];
  if (!nums.every((x) => typeof x === 'number' && Number.isFinite(x))) fail(`${kind} needs finite numbers, got ${JSON.stringify(v)}`);
  const [a, b, q] = nums as [number, number, number];
  switch (kind) {
    case 'uniform':
      if (!(a <= b)) fail(`uniform bounds [${a}, ${b}] are reversed`);
      return;
    case 'int':
    case 'logint':
      if (!Number.isSafeInteger(a) || !Number.isSafeInteger(b)) fail(`${kind} bounds must be integers, got [${a}, ${b}]`);
      if (!(a <= b)) fail(`${kind} bounds [${a}, ${b}] are reversed`);
      if (kind === 'logint' && a < 1) fail(`logint bounds must be >= 1 (real bounds, not exponents), got [${a}, ${b}]`);
      return;
    case 'loguniform':
      if (!(a > 0)) fail(`loguniform bounds must be > 0 (real bounds, not exponents), got [${a}, ${b}]`);
      if (!(a <= b)) fail(`loguniform bounds [${a}, ${b}] are reversed`);
      return;
    case 'quniform':
      if (!(q > 0)) fail(`quniform step q must be > 0, got ${q}`);
      if (!(a <= b)) fail(`quniform bounds [${a}, ${b}] are reversed`);
      if (Math.ceil(a / q - 1e-9) > Math.floor(b / q + 1e-9)) fail(`no multiple of ${q} lies in [${a}, ${b}]`);
      return;
    case 'normal':
      if (!(b >= 0)) fail(`normal standard deviation must be >= 0, got ${b}`);
      return;
  }
}

function enumerate(name: string, kind: SpaceKind, entry: SpaceEntry): unknown[] {
  checkEntry(name, entry);
  if (kind === 'int') {
    const [lo, hi] = entry.int!;
    return Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
  }
  return entry[kind] as unknown[];
}

/** Whether a (conditional) entry exists in a configuration with the values chosen before it. */
export function isActive(entry: SpaceEntry, params: Record<string, unknown>): boolean {
  if (!entry.when) return true;
  return Object.entries(entry.when).every(
    ([k, v]) => Object.prototype.hasOwnProperty.call(params, k) && JSON.stringify(params[k]) === JSON.stringify(v),
  );
}

/** Lists and maps are copied so that a trial changing its value cannot change another trial's, or the spec. */
const copy = <T>(v: T): T => (typeof v === 'object' && v !== null ? structuredClone(v) : v);

const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));

/** k·q without binary noise (0.1·3 is 0.30000000000000004): twelve significant digits are plenty for a step. */
const tidy = (x: number): number => Number(x.toPrecision(12));

// --- choosing the winner ---

export interface TrialResult {
  id: number;
  metrics: Readonly<Record<string, number | null | undefined>>;
}

/**
 * The trial with the best objective: the highest value for `max`, the lowest for `min`. A value that is
 * missing, NaN or infinite (a diverged run) never wins; equal values go to the lower trial id. Undefined
 * when no trial has a usable value.
 */
export function pickBest<T extends TrialResult>(trials: readonly T[], objective: { metric: string; mode: 'max' | 'min' }): T | undefined {
  if (objective.mode !== 'max' && objective.mode !== 'min') throw new RangeError(`objective mode must be max or min, got ${String(objective.mode)}`);
  // Normalise to "larger is better" once, so the comparison below cannot be written the wrong way round.
  const sign = objective.mode === 'max' ? 1 : -1;
  let best: T | undefined;
  let bestScore = -Infinity;
  for (const t of trials) {
    const v = t.metrics[objective.metric];
    if (typeof v !== 'number' || !Number.isFinite(v)) continue;
    const score = sign * v;
    if (best === undefined || score > bestScore || (score === bestScore && t.id < best.id)) {
      best = t;
      bestScore = score;
    }
  }
  return best;
}
