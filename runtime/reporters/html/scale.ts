/** Axes for the report's charts: linear and log scales with round tick values. */
export interface Scale {
  (v: number): number;
  ticks: number[];
  format: (v: number) => string;
}

function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const f = raw / mag;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
}

const trim = (v: number): string => String(Number(v.toPrecision(6)));

/** Maps [lo, hi] (widened to round ticks) onto [a, b] pixels. */
export function linearScale(lo: number, hi: number, a: number, b: number, count = 5): Scale {
  if (!(hi > lo)) {
    const pad = Math.abs(lo) > 0 ? Math.abs(lo) * 0.05 : 1;
    lo -= pad;
    hi += pad;
  }
  const step = niceStep(hi - lo, count);
  const min = Math.floor(lo / step) * step;
  const max = Math.ceil(hi / step) * step;
  const ticks: number[] = [];
  for (let v = min; v <= max + step / 2; v += step) ticks.push(Number(v.toPrecision(12)));
  const s = ((v: number) => a + ((v - min) / (max - min)) * (b - a)) as Scale;
  s.ticks = ticks;
  s.format = trim;
  return s;
}

/** A log scale for positive values spanning more than a decade (learning rates). */
export function logScale(lo: number, hi: number, a: number, b: number): Scale {
  const l0 = Math.floor(Math.log10(lo));
  const l1 = Math.max(l0 + 1, Math.ceil(Math.log10(hi)));
  const ticks: number[] = [];
  for (let e = l0; e <= l1; e++) ticks.push(10 ** e);
  const s = ((v: number) => a + ((Math.log10(v) - l0) / (l1 - l0)) * (b - a)) as Scale;
  s.ticks = ticks;
  s.format = (v) => (v >= 0.001 && v < 1e5 ? trim(v) : v.toExponential(0));
  return s;
}

/** Distinct colours for trials, the same in every chart (Tableau 10). */
const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];
export const trialHex = (trial: number): string => PALETTE[trial % PALETTE.length]!;
