/**
 * PBT's explore step: a copied configuration's values are perturbed (numbers ×0.8 or ×1.2, a choice moves
 * to a neighbouring value) or, with some probability, drawn afresh from the space. Values stay inside their
 * entry's bounds, integers stay integers, and conditional entries appear or vanish with their conditions.
 * Frozen parameters (those that shape the weights) are never changed, so the copied checkpoint still fits.
 */
import type { SpaceEntry } from '../../../compiler/spec/types.js';
import type { Rng } from '../../random/rng.js';
import { drawWith, isActive, kindOf } from '../search-space.js';

export interface ExploreOptions {
  /** Chance a value is drawn afresh instead of perturbed. Default 0.25. */
  resampleProbability?: number;
  /** Parameters left as they are. */
  frozen?: ReadonlySet<string>;
}

export function explore(space: Record<string, SpaceEntry>, params: Record<string, unknown>, rng: Rng, options: ExploreOptions = {}): Record<string, unknown> {
  const resample = options.resampleProbability ?? 0.25;
  const out: Record<string, unknown> = {};
  for (const [name, entry] of Object.entries(space)) {
    if (!isActive(entry, out)) continue;
    // Every parameter draws the same number of values whatever happens, so one change does not shift the rest.
    const u = rng.next();
    const up = rng.next() < 0.5;
    const fresh = drawWith(name, entry, rng);
    if (!Object.prototype.hasOwnProperty.call(params, name)) {
      out[name] = fresh;
      continue;
    }
    const old = params[name];
    if (options.frozen?.has(name)) out[name] = old;
    else if (u < resample) out[name] = fresh;
    else out[name] = perturb(name, entry, old, up);
  }
  return out;
}

function perturb(name: string, entry: SpaceEntry, value: unknown, up: boolean): unknown {
  const kind = kindOf(name, entry);
  const factor = up ? 1.2 : 0.8;
  switch (kind) {
    case 'choice':
    case 'grid': {
      const list = entry[kind]!;
      const at = list.findIndex((v) => JSON.stringify(v) === JSON.stringify(value));
      if (at < 0) return value;
      return list[Math.min(list.length - 1, Math.max(0, at + (up ? 1 : -1)))];
    }
    case 'uniform':
    case 'loguniform': {
      const [lo, hi] = entry[kind]!;
      return clamp(Number(value) * factor, lo, hi);
    }
    case 'quniform': {
      const [lo, hi, q] = entry.quniform!;
      const k = clamp(Math.round((Number(value) * factor) / q), Math.ceil(lo / q - 1e-9), Math.floor(hi / q + 1e-9));
      return Number((k * q).toPrecision(12));
    }
    case 'int':
    case 'logint': {
      const [lo, hi] = entry[kind]!;
      const v = Number(value);
      let next = Math.round(v * factor);
      // Small integers would round back to themselves; move by one at least.
      if (next === v) next = v + (up ? 1 : -1);
      return clamp(next, lo, hi);
    }
    case 'normal':
      return Number(value) * factor;
  }
}

const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));
