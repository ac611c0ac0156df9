/** The `split` step: one output table per fraction name, rows in their input order. */
import { DataType, Vector, type Table } from 'apache-arrow';
import type { SplitStep } from '../../../compiler/spec/types.js';
import { takeRows } from '../arrow/take-rows.js';
import { DataError, type RelationalContext } from '../types.js';
import { assignParts } from './assign-parts.js';

export function runSplit(id: string, config: SplitStep, input: Table, ctx: RelationalContext): Record<string, Table> {
  const names = Object.keys(config.fractions);
  const fractions = names.map((n) => Number(config.fractions[n]));
  fractions.forEach((f, i) => {
    if (!(f > 0 && f <= 1)) throw new DataError(`step ${id}: fraction '${names[i]}' must be in (0, 1], got ${config.fractions[names[i]!]}`);
  });
  const total = fractions.reduce((a, b) => a + b, 0);
  if (total > 1 + 1e-9) throw new DataError(`step ${id}: the fractions sum to ${total}, more than 1`);
  const seed = config.seed ?? ctx.seed;
  const keys = {
    ...(config.stratify !== undefined ? { strata: columnKeys(input, config.stratify, id, 'stratify') } : {}),
    ...(config.group_by !== undefined ? { groups: columnKeys(input, config.group_by, id, 'group_by') } : {}),
  };
  const part = assignParts(input.numRows, fractions, seed, keys);
  const counts = new Array<number>(names.length).fill(0);
  for (const p of part) if (p >= 0) counts[p]!++;
  const picks = counts.map((n) => new Uint32Array(n));
  const filled = new Array<number>(names.length).fill(0);
  part.forEach((p, row) => {
    if (p >= 0) picks[p]![filled[p]!++] = row;
  });
  return Object.fromEntries(names.map((name, k) => [name, takeRows(input, picks[k]!)]));
}

/** A column's values as keys: equal values give equal keys, nulls share one key (as SQL's GROUP BY has it). */
function columnKeys(table: Table, name: string, id: string, clause: string): string[] {
  const column = table.getChild(name) as Vector | null;
  if (!column) throw new DataError(`step ${id}: ${clause}: no column '${name}' in the input`);
  if (DataType.isFixedSizeList(column.type)) throw new DataError(`step ${id}: cannot ${clause} by tensor column '${name}'`);
  const keys = new Array<string>(table.numRows);
  let i = 0;
  for (const v of column) keys[i++] = v === null || v === undefined ? '\u0000null' : String(v);
  return keys;
}
