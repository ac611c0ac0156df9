/**
 * Which part of a split each row goes to. Pure and deterministic: the assignment depends only on the seed,
 * the fractions and the key columns' values in row order, never on how the table is chunked or how many
 * workers run the step.
 *
 * - Without group_by, each stratum (each stratify value, or the whole table) is shuffled under a seed derived
 *   from the step's seed and the stratum's value, and cut at round(rows × cumulative fraction): every part
 *   holds each class's share, within one row per class.
 * - With group_by, whole groups are the units: a stratum's groups are shuffled and laid end to end, and a group
 *   goes to the part where its middle row falls, so no group is in two parts and parts hold about their
 *   share of rows. With stratify too, a group belongs to the stratum of its most common value.
 * Rows past the last cumulative fraction (when the fractions sum to less than 1) are dropped: part -1.
 */
import { deriveSeed, seededPermutation } from '../../training/seeds.js';

export interface SplitKeys {
  /** Per row, the stratum key (undefined: no stratification). */
  strata?: readonly string[];
  /** Per row, the group key (undefined: no groups). */
  groups?: readonly string[];
}

export function assignParts(rows: number, fractions: readonly number[], seed: number, keys: SplitKeys): Int8Array {
  const cumulative: number[] = [];
  let sum = 0;
  for (const f of fractions) cumulative.push((sum += f));
  const part = new Int8Array(rows).fill(-1);
  if (keys.groups) {
    for (const [stratum, groups] of sortedByKey(groupUnits(rows, keys.groups, keys.strata))) {
      const order = seededPermutation(groups.length, deriveSeed(seed, 'split', stratum));
      const total = groups.reduce((n, g) => n + g.length, 0);
      let before = 0;
      for (let j = 0; j < groups.length; j++) {
        const group = groups[order[j]!]!;
        const middle = (before + group.length / 2) / total;
        before += group.length;
        const k = cumulative.findIndex((c) => middle < c);
        if (k >= 0) for (const row of group) part[row] = k;
      }
    }
    return part;
  }
  for (const [stratum, members] of sortedByKey(strataRows(rows, keys.strata))) {
    const order = seededPermutation(members.length, deriveSeed(seed, 'split', stratum));
    const cuts = cumulative.map((c) => Math.min(members.length, Math.round(members.length * c)));
    let k = 0;
    for (let j = 0; j < members.length; j++) {
      while (k < cuts.length && j >= cuts[k]!) k++;
      if (k === cuts.length) break;
      part[members[order[j]!]!] = k;
    }
  }
  return part;
}

const sortedByKey = <T>(m: Map<string, T>): [string, T][] => [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

/** Row indexes bucketed by stratum, in row order. */
function strataRows(rows: number, strata: readonly string[] | undefined): Map<string, number[]> {
  if (!strata) return new Map([['', Array.from({ length: rows }, (_, i) => i)]]);
  const out = new Map<string, number[]>();
  for (let r = 0; r < rows; r++) {
    const key = strata[r]!;
    let list = out.get(key);
    if (!list) out.set(key, (list = []));
    list.push(r);
  }
  return out;
}

/** Groups' rows (groups in order of first appearance) bucketed by the group's most common stratum (ties: the first seen). */
function groupUnits(rows: number, groups: readonly string[], strata: readonly string[] | undefined): Map<string, number[][]> {
  const byGroup = new Map<string, { rows: number[]; counts: Map<string, number> }>();
  for (let r = 0; r < rows; r++) {
    const g = groups[r]!;
    let entry = byGroup.get(g);
    if (!entry) byGroup.set(g, (entry = { rows: [], counts: new Map() }));
    entry.rows.push(r);
    if (strata) entry.counts.set(strata[r]!, (entry.counts.get(strata[r]!) ?? 0) + 1);
  }
  const out = new Map<string, number[][]>();
  for (const entry of byGroup.values()) {
    let key = '';
    let best = 0;
    for (const [s, n] of entry.counts) {
      if (n > best) {
        best = n;
        key = s;
      }
    }
    let list = out.get(key);
    if (!list) out.set(key, (list = []));
    list.push(entry.rows);
  }
  return out;
}
