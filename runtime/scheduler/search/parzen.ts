/**
 * Parzen (kernel) density estimators over one search-space entry, as the Tree-structured Parzen Estimator
 * uses them (Bergstra, Bardenet, Bengio, Kégl, NeurIPS 2011; the bandwidths of hyperopt's adaptive Parzen
 * estimator). Numbers: a mixture of a broad prior and one truncated Gaussian per observation, in log space
 * for log-scale entries; integers and q-steps get the probability of the interval that rounds to them.
 * Choices: smoothed counts. Each estimator can sample and give a log density (up to a constant shared by
 * both estimators of a parameter, which the l/g ratio cancels).
 */
import type { SpaceEntry } from '../../../compiler/spec/types.js';
import type { Rng } from '../../random/rng.js';
import { kindOf } from '../search-space.js';

export interface Estimator {
  sample(rng: Rng): unknown;
  logDensity(value: unknown): number;
}

export function parzenEstimator(name: string, entry: SpaceEntry, observations: readonly unknown[]): Estimator {
  const kind = kindOf(name, entry);
  if (kind === 'choice' || kind === 'grid') return categorical(entry[kind]!, observations);
  return numeric(kind, entry, observations.map(Number).filter(Number.isFinite));
}

function categorical(values: readonly unknown[], observations: readonly unknown[]): Estimator {
  const keys = values.map((v) => JSON.stringify(v));
  const counts = keys.map(() => 1);
  let total = keys.length;
  for (const o of observations) {
    const at = keys.indexOf(JSON.stringify(o));
    if (at >= 0) {
      counts[at]!++;
      total++;
    }
  }
  return {
    sample(rng: Rng): unknown {
      let u = rng.next() * total;
      for (let i = 0; i < counts.length; i++) {
        u -= counts[i]!;
        if (u < 0) return structuredClone(values[i]);
      }
      return structuredClone(values.at(-1));
    },
    logDensity(value: unknown): number {
      const at = keys.indexOf(JSON.stringify(value));
      return at < 0 ? -Infinity : Math.log(counts[at]! / total);
    },
  };
}

interface Space {
  /** Into the space the kernels live in (log for log-scale entries) and back. */
  to: (x: number) => number;
  from: (t: number) => number;
  /** Bounds in kernel space; infinite for normal. */
  lo: number;
  hi: number;
  /** The prior: centre and spread. */
  mu: number;
  sigma: number;
  /** For discrete entries, the kernel-space interval of values that round to x. */
  cell?: (x: number) => [number, number];
  /** The value a kernel-space draw stands for (rounded, clamped). */
  snap: (t: number) => number;
}

function spaceOf(kind: string, entry: SpaceEntry): Space {
  const id = (x: number): number => x;
  const clamp = (x: number, a: number, b: number): number => Math.min(b, Math.max(a, x));
  switch (kind) {
    case 'uniform': {
      const [a, b] = entry.uniform!;
      return { to: id, from: id, lo: a, hi: b, mu: (a + b) / 2, sigma: Math.max(b - a, 1e-12), snap: (t) => clamp(t, a, b) };
    }
    case 'loguniform': {
      const [a, b] = entry.loguniform!;
      const la = Math.log(a);
      const lb = Math.log(b);
      return { to: Math.log, from: Math.exp, lo: la, hi: lb, mu: (la + lb) / 2, sigma: Math.max(lb - la, 1e-12), snap: (t) => clamp(Math.exp(t), a, b) };
    }
    case 'quniform': {
      const [a, b, q] = entry.quniform!;
      const lo = Math.ceil(a / q - 1e-9) * q - q / 2;
      const hi = Math.floor(b / q + 1e-9) * q + q / 2;
      const snap = (t: number): number => Number((clamp(Math.round(t / q), Math.ceil(a / q - 1e-9), Math.floor(b / q + 1e-9)) * q).toPrecision(12));
      return { to: id, from: id, lo, hi, mu: (lo + hi) / 2, sigma: hi - lo, cell: (x) => [x - q / 2, x + q / 2], snap };
    }
    case 'int': {
      const [a, b] = entry.int!;
      return { to: id, from: id, lo: a - 0.5, hi: b + 0.5, mu: (a + b) / 2, sigma: b - a + 1, cell: (x) => [x - 0.5, x + 0.5], snap: (t) => clamp(Math.round(t), a, b) };
    }
    case 'logint': {
      const [a, b] = entry.logint!;
      const lo = Math.log(a - 0.5 > 0 ? a - 0.5 : a / 2);
      const hi = Math.log(b + 0.5);
      return {
        to: Math.log,
        from: Math.exp,
        lo,
        hi,
        mu: (lo + hi) / 2,
        sigma: hi - lo,
        cell: (x) => [Math.log(Math.max(x - 0.5, Math.exp(lo))), Math.log(x + 0.5)],
        snap: (t) => clamp(Math.round(Math.exp(t)), a, b),
      };
    }
    case 'normal': {
      const [m, sd] = entry.normal!;
      return { to: id, from: id, lo: -Infinity, hi: Infinity, mu: m, sigma: Math.max(sd, 1e-12), snap: id };
    }
    default:
      throw new RangeError(`no Parzen estimator for ${kind}`);
  }
}

function numeric(kind: string, entry: SpaceEntry, observations: readonly number[]): Estimator {
  const sp = spaceOf(kind, entry);
  const points = observations.map((x) => Math.min(sp.hi, Math.max(sp.lo, sp.to(x))));
  // The prior's component sits among the observations; each kernel's width is the larger gap to its
  // neighbours, clipped to [spread / min(100, n + 1), spread] (hyperopt's adaptive Parzen estimator).
  const mus = [sp.mu, ...points];
  const order = mus.map((_, i) => i).sort((a, b) => mus[a]! - mus[b]! || a - b);
  const sorted = order.map((i) => mus[i]!);
  const sigmas = new Array<number>(mus.length).fill(sp.sigma);
  const floor = sp.sigma / Math.min(100, mus.length + 1);
  order.forEach((i, k) => {
    if (i === 0) return;
    const left = k > 0 ? sorted[k]! - sorted[k - 1]! : sorted[k]! - (Number.isFinite(sp.lo) ? sp.lo : sorted[k]! - sp.sigma);
    const right = k < sorted.length - 1 ? sorted[k + 1]! - sorted[k]! : (Number.isFinite(sp.hi) ? sp.hi : sorted[k]! + sp.sigma) - sorted[k]!;
    sigmas[i] = Math.min(sp.sigma, Math.max(floor, left, right));
  });
  const weight = 1 / mus.length;
  const mass = mus.map((m, i) => normalCdf((sp.hi - m) / sigmas[i]!) - normalCdf((sp.lo - m) / sigmas[i]!));

  return {
    sample(rng: Rng): unknown {
      const k = Math.min(mus.length - 1, Math.floor(rng.next() * mus.length));
      // Truncated to the bounds by rejection; a kernel mostly outside them falls back to its clamp.
      let t = mus[k]! + sigmas[k]! * rng.normal();
      for (let tries = 0; tries < 32 && (t < sp.lo || t > sp.hi); tries++) t = mus[k]! + sigmas[k]! * rng.normal();
      return sp.snap(Math.min(sp.hi, Math.max(sp.lo, t)));
    },
    logDensity(value: unknown): number {
      const x = Number(value);
      if (!Number.isFinite(x)) return -Infinity;
      let p = 0;
      if (sp.cell) {
        const [a, b] = sp.cell(x);
        for (let i = 0; i < mus.length; i++) {
          p += (weight * (normalCdf((b - mus[i]!) / sigmas[i]!) - normalCdf((a - mus[i]!) / sigmas[i]!))) / Math.max(mass[i]!, 1e-300);
        }
      } else {
        const t = sp.to(x);
        for (let i = 0; i < mus.length; i++) {
          const z = (t - mus[i]!) / sigmas[i]!;
          p += (weight * Math.exp(-0.5 * z * z)) / (sigmas[i]! * Math.sqrt(2 * Math.PI) * Math.max(mass[i]!, 1e-300));
        }
      }
      return Math.log(Math.max(p, 1e-300));
    },
  };
}

/** Φ(z), from erf by Abramowitz and Stegun 7.1.26 (absolute error below 1.5e-7). */
export function normalCdf(z: number): number {
  if (z === Infinity) return 1;
  if (z === -Infinity) return 0;
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}
