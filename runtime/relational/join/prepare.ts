/**
 * From two Arrow tables and the join's definition to what the workers need: the inputs as layouts (whole,
 * or one per record batch for co-located partitions), key columns of one common type on both sides, and
 * the output's columns and Arrow schema. The output is the left input's columns, then the right input's
 * columns other than the keys, a right column renamed with the suffix when its name is already taken (the
 * analyzer's rule, compiler/phases/4-analyze/columns/join.ts). Semi and anti joins output the left columns
 * only, so only the right side's keys are used.
 */
import { type DataType, Field, Schema, type Table, type Vector } from 'apache-arrow';
import { DataError } from '../types.js';
import { batchColumns, type ColumnOf, chunksOf, columnOf, UnsupportedColumnError } from './arrow-layout.js';
import type { JoinShape, OutputColumn } from './join-shape.js';
import type { JoinSpec } from './join-spec.js';
import { KeyTypeError, unifyKeyColumns } from './key-types.js';
import { plainAlloc, sharedAlloc, type TableLayout } from './layout.js';
import type { Side } from './match-rules.js';

export interface OutputType {
  type: DataType;
  dictionary?: Vector;
}

export interface PreparedJoin {
  shape: JoinShape;
  schema: Schema;
  outputTypes: OutputType[];
  /** One layout per partition: the whole input, or each record batch when `perBatch` (or `chunked` names the side). */
  left: TableLayout[];
  right: TableLayout[];
  /** The side given as its record batches, the other side whole in every part. */
  chunked?: Side;
}

export interface PrepareOptions {
  /** Where the layouts' buffers go: see columnOf ('copies': shared memory for what is copied anyway). */
  shared: boolean | 'copies';
  /** Both sides as their record batches (co-located partitions). */
  perBatch: boolean;
  /** This side as its record batches, not copied end to end (a broadcast join's probe side). */
  chunked?: Side;
}

export function prepareJoin(left: Table, right: Table, spec: JoinSpec, opts: PrepareOptions): PreparedJoin {
  const lk = spec.on.map((k) => columnIndex(left, k, 'left'));
  const rk = spec.on.map((k) => columnIndex(right, k, 'right'));
  const semiAnti = spec.how === 'semi' || spec.how === 'anti';
  // Semi and anti joins never output a right column: only its keys go anywhere.
  const rightColumns = semiAnti ? rk : right.schema.fields.map((_, i) => i);
  const rightKeyAt = rk.map((c) => rightColumns.indexOf(c));
  // An input without record batches is empty, and empty partitions line up with anything.
  const chunkedTable = opts.chunked === 'left' ? left : opts.chunked === 'right' ? right : undefined;
  const parts = opts.perBatch ? Math.max(left.batches.length, right.batches.length, 1) : chunkedTable ? Math.max(chunkedTable.batches.length, 1) : 1;
  if (opts.perBatch && left.batches.length > 0 && right.batches.length > 0 && left.batches.length !== right.batches.length) {
    throw new DataError(`a co-located join needs both inputs in the same number of partitions (record batches); the left input has ${left.batches.length} and the right ${right.batches.length}`);
  }
  const leftParts = sideParts(left, left.schema.fields.map((_, i) => i), opts, parts, opts.chunked === 'left');
  const rightParts = sideParts(right, rightColumns, opts, parts, opts.chunked === 'right');
  const float: boolean[] = spec.on.map(() => false);
  for (let p = 0; p < parts; p++) {
    const lcols = leftParts[p]!;
    const rcols = rightParts[p]!;
    spec.on.forEach((name, k) => {
      try {
        const u = unifyKeyColumns(lcols[lk[k]!]!, rcols[rightKeyAt[k]!]!, opts.shared ? sharedAlloc : plainAlloc);
        lcols[lk[k]!] = u.left;
        rcols[rightKeyAt[k]!] = u.right;
        float[k] = u.float;
      } catch (e) {
        if (e instanceof KeyTypeError) throw new DataError(`join key '${name}': ${e.message}`);
        throw e;
      }
    });
  }
  const shape: JoinShape = {
    how: spec.how,
    leftKeys: lk.map((column, k) => ({ column, float: float[k]! })),
    rightKeys: rightKeyAt.map((column, k) => ({ column, float: float[k]! })),
    output: [],
  };
  const fields: Field[] = [];
  const outputTypes: OutputType[] = [];
  const sample = (parts: ColumnOf[][], c: number): ColumnOf => parts[0]![c]!;
  const leftNullable = spec.how === 'right' || spec.how === 'full';
  const rightNullable = spec.how === 'left' || spec.how === 'full';
  left.schema.fields.forEach((f, i) => {
    const k = lk.indexOf(i);
    const col = sample(leftParts, i);
    const out: OutputColumn = k >= 0 && leftNullable ? { from: 'coalesce', left: i, right: rightKeyAt[k]! } : { from: 'left', left: i, right: -1 };
    shape.output.push(out);
    fields.push(new Field(f.name, col.type, f.nullable || leftNullable, f.metadata));
    outputTypes.push({ type: col.type, dictionary: col.dictionary });
  });
  if (!semiAnti) {
    right.schema.fields.forEach((f, i) => {
      if (rk.includes(i)) return;
      const col = sample(rightParts, rightColumns.indexOf(i));
      const name = fields.some((o) => o.name === f.name) ? `${f.name}${spec.suffix}` : f.name;
      shape.output.push({ from: 'right', left: -1, right: rightColumns.indexOf(i) });
      fields.push(new Field(name, col.type, f.nullable || rightNullable, f.metadata));
      outputTypes.push({ type: col.type, dictionary: col.dictionary });
    });
  }
  const toLayouts = (parts: ColumnOf[][], rows: number[]): TableLayout[] => parts.map((cols, p) => ({ length: rows[p]!, columns: cols.map((c) => c.layout) }));
  return {
    shape,
    schema: new Schema(fields),
    outputTypes,
    left: toLayouts(leftParts, partRows(left, opts.perBatch || opts.chunked === 'left', parts)),
    right: toLayouts(rightParts, partRows(right, opts.perBatch || opts.chunked === 'right', parts)),
    ...(opts.chunked ? { chunked: opts.chunked } : {}),
  };
}

function columnIndex(t: Table, name: string, side: string): number {
  const i = t.schema.fields.findIndex((f) => f.name === name);
  if (i < 0) throw new DataError(`join key '${name}' is not a column of the ${side} input (its columns: ${t.schema.fields.map((f) => f.name).join(', ') || 'none'})`);
  return i;
}

function partRows(t: Table, perBatch: boolean, parts: number): number[] {
  return perBatch && t.batches.length > 0 ? t.batches.map((b) => b.numRows) : new Array<number>(parts).fill(t.numRows);
}

/** The chosen columns of a table, as [partition][column]. */
function sideParts(t: Table, columns: number[], opts: PrepareOptions, parts: number, chunked: boolean): ColumnOf[][] {
  try {
    if (chunked && t.batches.length > 0) {
      const perColumn = columns.map((c) => batchColumns(t.getChildAt(c)!, t.schema.fields[c]!));
      return t.batches.map((_, b) => perColumn.map((chunks) => chunks[b]!));
    }
    if (!opts.perBatch || t.batches.length === 0) {
      const whole = columns.map((c) => columnOf(t.getChildAt(c)!, t.schema.fields[c]!, opts.shared));
      return Array.from({ length: parts }, () => whole.slice());
    }
    const perColumn = columns.map((c) => chunksOf(t.getChildAt(c)!, t.schema.fields[c]!, opts.shared === true));
    return t.batches.map((_, b) => perColumn.map((chunks) => chunks[b]!));
  } catch (e) {
    if (e instanceof UnsupportedColumnError) throw new DataError(e.message);
    throw e;
  }
}
