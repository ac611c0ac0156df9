import { DEFAULT_PRECISION, HyperLogLog, keyText } from './hyperloglog.js';

/**
 * Distinct keys of a sample, and a guess at the whole table's. The sketch's count is noted each time the
 * sample reaches a power of two: how much it still grew over the last doubling says whether the key is
 * nearly unique (it doubled: the table has about as many distinct keys as rows) or saturating (it barely
 * moved: the table has about what the sample saw). Between the two the growth is read as a power law
 * d(n) ∝ n^α and carried to the table's row count.
 */
export class SampleSketch {
  private readonly sketch = new HyperLogLog(DEFAULT_PRECISION);
  /** Distinct count when the sample had 2^i rows. */
  private readonly atPowerOfTwo = new Map<number, number>();
  private rows = 0;

  /** Adds one row's key (its columns' values); rows with a null part are counted but not sketched. */
  addRow(values: readonly unknown[]): void {
    const text = keyText(values);
    if (text !== undefined) this.sketch.add(text);
    this.rows++;
    if ((this.rows & (this.rows - 1)) === 0) this.atPowerOfTwo.set(this.rows, this.countAt(this.rows));
  }

  get sampledRows(): number {
    return this.rows;
  }

  sampledDistinct(): number {
    return this.countAt(this.rows);
  }

  private countAt(rows: number): number {
    return Math.min(rows, Math.round(this.sketch.estimate()));
  }

  /** Distinct keys in `totalRows` rows of which this sample saw the first `sampledRows`. */
  estimateFor(totalRows: number): number {
    const d = this.sampledDistinct();
    if (totalRows <= this.rows || this.rows < 4) return d;
    const top = 2 ** Math.floor(Math.log2(this.rows));
    const growth = this.atPowerOfTwo.get(top) !== undefined && this.atPowerOfTwo.get(top / 2) ? { d: this.atPowerOfTwo.get(top)!, dHalf: this.atPowerOfTwo.get(top / 2)! } : undefined;
    return extrapolateDistinct(growth, d, this.rows, totalRows);
  }
}

/**
 * Distinct values in `total` rows from `d` among the sample's `n`, given the count before and after the
 * sample's last doubling: the exponent α = log2(after / before), clamped to [0, 1], gives d · (total/n)^α,
 * never more than `total` and never fewer than `d`. Without a doubling the sample is taken as all there is.
 */
export function extrapolateDistinct(growth: { d: number; dHalf: number } | undefined, d: number, n: number, total: number): number {
  if (total <= n || d <= 0 || !growth || growth.dHalf <= 0) return d;
  const alpha = Math.min(1, Math.max(0, Math.log2(growth.d / growth.dHalf)));
  return Math.round(Math.min(total, Math.max(d, d * Math.pow(total / n, alpha))));
}
