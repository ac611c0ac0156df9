/** Output rows from (left row, right row) index pairs, column by column as the join's shape says. */
import { concatLayouts } from './concat.js';
import { gatherLayout, hasMissing } from './gather.js';
import type { JoinShape } from './join-shape.js';
import { type Alloc, type Layout, layoutBuffers, sliceLayout, type TableLayout } from './layout.js';
import type { PairBuffer } from './pairs.js';
import type { Side } from './match-rules.js';

/** The pairs of `pairs` read as (probe, build): which of them is left depends on the build side. */
export function gatherPairs(shape: JoinShape, left: TableLayout, right: TableLayout, pairs: PairBuffer, buildSide: Side, alloc: Alloc): TableLayout {
  const li = buildSide === 'left' ? pairs.build : pairs.probe;
  const ri = buildSide === 'left' ? pairs.probe : pairs.build;
  return gatherOutput(shape, left, right, li, ri, pairs.length, alloc);
}

export function gatherOutput(shape: JoinShape, left: TableLayout, right: TableLayout, li: Int32Array, ri: Int32Array, n: number, alloc: Alloc): TableLayout {
  const leftMissing = hasMissing(li, 0, n);
  const rightMissing = shape.output.some((c) => c.from === 'right') && hasMissing(ri, 0, n);
  // A side whose rows come out as they went in (each matched once, in order: a lookup in a dimension
  // table) is passed through as a slice of its columns, not copied row by row.
  const leftRun = runStart(li, n);
  const rightRun = shape.output.some((c) => c.from === 'right') ? runStart(ri, n) : -1;
  // Only columns in plain memory are passed through: the shared copies worker threads read would make the
  // output shared memory, which the native code that writes tables out does not take.
  const through = (l: Layout, run: number): boolean => run >= 0 && [...layoutBuffers(l)].every((b) => b instanceof ArrayBuffer);
  const columns = shape.output.map((c): Layout => {
    const l = left.columns[c.left];
    const r = right.columns[c.right];
    if (c.from === 'left' || (c.from === 'coalesce' && leftRun >= 0)) {
      return through(l!, leftRun) ? sliceLayout(l!, leftRun, leftRun + n) : c.from === 'left' ? gatherLayout(l!, li, 0, n, alloc, leftMissing) : gatherLayout(l!, li, 0, n, alloc);
    }
    if (c.from === 'right') return through(r!, rightRun) ? sliceLayout(r!, rightRun, rightRun + n) : gatherLayout(r!, ri, 0, n, alloc, rightMissing);
    return gatherCoalesced(l!, li, r!, ri, n, alloc);
  });
  return { length: n, columns };
}

/** `s` when idx[0..n) is s, s + 1, ..., s + n − 1 (no missing row); otherwise −1. */
export function runStart(idx: Int32Array, n: number): number {
  if (n === 0) return -1;
  const s = idx[0]!;
  if (s < 0) return -1;
  for (let j = 1; j < n; j++) if (idx[j] !== s + j) return -1;
  return s;
}

/** A key column of an outer join: the left row's value, or the right row's where there is no left row. */
function gatherCoalesced(l: Layout, li: Int32Array, r: Layout, ri: Int32Array, n: number, alloc: Alloc): Layout {
  let rightNeeded = false;
  let lmin = Infinity;
  let lmax = -1;
  let rmin = Infinity;
  let rmax = -1;
  for (let j = 0; j < n; j++) {
    const a = li[j]!;
    if (a >= 0) {
      if (a < lmin) lmin = a;
      if (a > lmax) lmax = a;
    } else {
      rightNeeded = true;
      const b = ri[j]!;
      if (b < rmin) rmin = b;
      if (b > rmax) rmax = b;
    }
  }
  if (!rightNeeded) return gatherLayout(l, li, 0, n, alloc);
  // Only the referenced ranges of each side are joined end to end, then picked from.
  if (lmax < 0) lmin = lmax = 0;
  else lmax++;
  rmax++;
  const both = concatLayouts([sliceLayout(l, lmin, lmax), sliceLayout(r, rmin, rmax)], alloc);
  const idx = new Int32Array(n);
  const rightStart = lmax - lmin;
  for (let j = 0; j < n; j++) {
    const a = li[j]!;
    idx[j] = a >= 0 ? a - lmin : rightStart + ri[j]! - rmin;
  }
  return gatherLayout(both, idx, 0, n, alloc);
}
