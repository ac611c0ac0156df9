/** Eight-level block sparklines for learning curves in a terminal. */
const LEVELS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/**
 * One character per value, scaled between `lo` and `hi` (shared by the trials compared, so heights can be
 * compared across rows); a missing value is a space.
 */
export function sparkline(values: readonly (number | null | undefined)[], lo: number, hi: number): string {
  const span = hi - lo;
  return values
    .map((v) => {
      if (v === null || v === undefined || !Number.isFinite(v)) return ' ';
      const f = span > 0 ? (v - lo) / span : 0.5;
      return LEVELS[Math.min(LEVELS.length - 1, Math.max(0, Math.round(f * (LEVELS.length - 1))))]!;
    })
    .join('');
}

/** The last `width` values, so a long curve shows its recent part. */
export function tail<T>(values: readonly T[], width: number): T[] {
  return width <= 0 ? [] : values.slice(Math.max(0, values.length - width));
}
