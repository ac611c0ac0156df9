import { formatBytes } from '../spec/size.js';

export { formatBytes };

/** `0.42 s`, `3.1 ms`, `2 min 5 s`, `1.4 h`: three significant digits at most, for notes and reasons. */
export function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return String(s);
  if (s === 0) return '0 s';
  if (s < 1e-3) return `${trim(s * 1e6)} µs`;
  if (s < 1) return `${trim(s * 1e3)} ms`;
  if (s < 120) return `${trim(s)} s`;
  if (s < 7200) return `${trim(s / 60)} min`;
  return `${trim(s / 3600)} h`;
}

/** `1.5×`, `12×`, `340×`. */
export function formatRatio(r: number): string {
  return `${trim(r)}×`;
}

/** `60,000,000` style grouping for row counts. */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function trim(n: number): string {
  const digits = n >= 100 ? 0 : n >= 10 ? 1 : 2;
  return String(Number(n.toFixed(digits)));
}
