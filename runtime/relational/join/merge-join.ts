/**
 * The merge join of one range partition: both sides sorted by key, walked together; each run of equal keys
 * on one side meets the run of the same key on the other. Rules are read with the left side as the probe
 * side and the right as the build side (matchRules(how, 'right')), and pairs come out as (left, right).
 */
import { compareKeys } from './key-compare.js';
import type { NormalizedKeys } from './keys.js';
import type { MatchRules } from './match-rules.js';
import type { PairBuffer } from './pairs.js';
import { sortedRows } from './sort-keys.js';

export function mergeJoin(left: NormalizedKeys, right: NormalizedKeys, rules: MatchRules, out: PairBuffer, leftOffset = 0, rightOffset = 0): void {
  const ls = sortedRows(left);
  const rs = sortedRows(right);
  let i = 0;
  let j = 0;
  const leftOnly = (l: number): void => {
    if (rules.probeUnmatched) out.push(l + leftOffset, -1);
  };
  const rightOnly = (r: number): void => {
    if (rules.buildUnmatched) out.push(-1, r + rightOffset);
  };
  while (i < ls.length && j < rs.length) {
    const c = compareKeys(left, ls[i]!, right, rs[j]!);
    if (c < 0) leftOnly(ls[i++]!);
    else if (c > 0) rightOnly(rs[j++]!);
    else {
      let ie = i + 1;
      while (ie < ls.length && compareKeys(left, ls[ie]!, left, ls[i]!) === 0) ie++;
      let je = j + 1;
      while (je < rs.length && compareKeys(right, rs[je]!, right, rs[j]!) === 0) je++;
      for (let a = i; a < ie; a++) {
        const l = ls[a]! + leftOffset;
        if (rules.pairs) for (let b = j; b < je; b++) out.push(l, rs[b]! + rightOffset);
        if (rules.probeMatched) out.push(l, -1);
      }
      i = ie;
      j = je;
    }
  }
  while (i < ls.length) leftOnly(ls[i++]!);
  while (j < rs.length) rightOnly(rs[j++]!);
  // Rows with a null key were left out of the sort: they match nothing.
  if (left.nulls !== null) for (let r = 0; r < left.count; r++) if (left.nulls[r] !== 0) leftOnly(r);
  if (right.nulls !== null) for (let r = 0; r < right.count; r++) if (right.nulls[r] !== 0) rightOnly(r);
}
