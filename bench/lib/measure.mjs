// Shared measurement helpers: whole-process timing, interleaved side-by-side rounds, and spread statistics.
import { spawnSync } from 'node:child_process';

/** Runs `node ...args` to completion and returns its wall time in milliseconds with its output. */
export function timeNode(args, { cwd, env } = {}) {
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd, env: env ?? process.env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.error) throw r.error;
  return { ms, status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** The q-quantile (0..1) of numbers, interpolating linearly between order statistics. */
export function quantile(xs, q) {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

/** Median with the spread around it. */
export function summarize(xs) {
  return { n: xs.length, median: quantile(xs, 0.5), min: Math.min(...xs), p25: quantile(xs, 0.25), p75: quantile(xs, 0.75), max: Math.max(...xs) };
}

/**
 * Side-by-side comparisons, interleaved: every round runs, for each comparison in turn, its A then its B,
 * so that drift in the machine's load hits both alike. The first `warmup` rounds are discarded. Each
 * comparison reports A's and B's times and the per-round ratio B / A, each summarized.
 *
 * comparisons: [{ name, a: { label, args }, b: { label, args }, check?(result, side) }]; `check` throws to
 * fail the benchmark (for example when a command exits non-zero).
 */
export function interleaved(comparisons, { rounds, warmup, cwd, env, log = () => {} }) {
  const raw = comparisons.map(() => ({ a: [], b: [] }));
  for (let round = 0; round < warmup + rounds; round++) {
    comparisons.forEach((c, i) => {
      const a = timeNode(c.a.args, { cwd, env });
      c.check?.(a, 'a');
      const b = timeNode(c.b.args, { cwd, env });
      c.check?.(b, 'b');
      if (round >= warmup) {
        raw[i].a.push(a.ms);
        raw[i].b.push(b.ms);
      }
    });
    if (round >= warmup && ((round - warmup + 1) % 5 === 0 || round === warmup + rounds - 1)) log(`round ${round - warmup + 1}/${rounds}`);
  }
  return comparisons.map((c, i) => {
    const { a, b } = raw[i];
    const ratios = a.map((x, k) => b[k] / x);
    return { name: c.name, a: { label: c.a.label, ms: summarize(a), raw: a }, b: { label: c.b.label, ms: summarize(b), raw: b }, ratio: summarize(ratios) };
  });
}

/** A number for a table: milliseconds to one decimal, ratios to two. */
export const ms1 = (x) => (Number.isFinite(x) ? x.toFixed(1) : String(x));
export const r2 = (x) => (Number.isFinite(x) ? x.toFixed(2) : String(x));
