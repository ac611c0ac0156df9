/**
 * The batch reader's first half: a table's feature and label columns as the flat arrays training consumes
 * (runtime/training/batches.ts ExampleArrays). Features are float32, row-major, each example's feature
 * columns one after another (a scalar is one value, a tensor its elements). Labels are int32 for integer and
 * boolean columns, float32 for float columns and tensors (one-hot labels).
 *
 * When the layout allows, nothing is copied: one chunk, a single float32 feature column (or float32 tensor)
 * without nulls, and an int32 or float32 label without nulls become views of the Arrow buffers. That is the
 * layout of the quickstart after `normalize`.
 */
import { DataType, Table, type Data, type RecordBatch } from 'apache-arrow';
import type { ExampleArrays } from '../training/batches.js';
import { numberReader, validReader } from '../relational/arrow/numeric-values.js';
import { DataError } from '../relational/types.js';

export interface ExampleColumns {
  features: readonly string[];
  label: string;
}

/** The table's examples as one pair of flat arrays. */
export function tableToExamples(table: Table, columns: ExampleColumns): ExampleArrays {
  const plan = planColumns(table.schema.fields, columns);
  const chunks = table.batches.filter((b) => b.numRows > 0);
  if (chunks.length === 1) return batchExamples(chunks[0]!, plan);
  if (chunks.length === 0) return { features: new Float32Array(0), labels: plan.labelInt ? new Int32Array(0) : new Float32Array(0) };
  const rows = table.numRows;
  const features = new Float32Array(rows * plan.width);
  const labels = plan.labelInt ? new Int32Array(rows * plan.labelWidth) : new Float32Array(rows * plan.labelWidth);
  let at = 0;
  for (const batch of chunks) {
    fillFeatures(batch, plan, features, at);
    fillLabels(batch, plan, labels, at);
    at += batch.numRows;
  }
  return { features, labels };
}

/**
 * Examples one record batch at a time, for tables too big to hold twice: each batch becomes its own
 * ExampleArrays (views of the batch's buffers where the layout allows), which `batchesOf` packs into
 * training batches. Accepts a table, or record batches as they are read (readTableFileBatches).
 */
export async function* examplesByBatch(source: Table | Iterable<RecordBatch> | AsyncIterable<RecordBatch>, columns: ExampleColumns): AsyncGenerator<ExampleArrays> {
  const batches = source instanceof Table ? source.batches : source;
  let plan: ColumnPlan | undefined;
  for await (const batch of batches) {
    plan ??= planColumns(batch.schema.fields, columns);
    if (batch.numRows > 0) yield batchExamples(batch, plan);
  }
}

interface FeaturePlan {
  index: number;
  name: string;
  /** Values per example: 1 for a scalar, the element count for a tensor. */
  width: number;
  /** Where this column's values start within an example. */
  offset: number;
}

interface ColumnPlan {
  features: FeaturePlan[];
  width: number;
  label: FeaturePlan;
  labelWidth: number;
  labelInt: boolean;
}

function planColumns(fields: readonly { name: string; type: DataType }[], columns: ExampleColumns): ColumnPlan {
  const find = (name: string, role: string): { index: number; type: DataType } => {
    const index = fields.findIndex((f) => f.name === name);
    if (index < 0) throw new DataError(`${role} column '${name}' is not in the table (columns: ${fields.map((f) => f.name).join(', ')})`);
    return { index, type: fields[index]!.type };
  };
  let width = 0;
  const features = columns.features.map((name) => {
    const { index, type } = find(name, 'feature');
    const w = valuesPerRow(type, name, 'feature');
    const plan = { index, name, width: w, offset: width };
    width += w;
    return plan;
  });
  const { index, type } = find(columns.label, 'label');
  const labelWidth = valuesPerRow(type, columns.label, 'label');
  const element = DataType.isFixedSizeList(type) ? type.valueType : type;
  const labelInt = DataType.isInt(element) || DataType.isBool(element);
  return { features, width, label: { index, name: columns.label, width: labelWidth, offset: 0 }, labelWidth, labelInt };
}

function valuesPerRow(type: DataType, name: string, role: string): number {
  const element = DataType.isFixedSizeList(type) ? type.valueType : type;
  if (!(DataType.isInt(element) || DataType.isFloat(element) || DataType.isBool(element) || DataType.isDecimal(element))) {
    throw new DataError(`${role} column '${name}' is ${type}; training takes numeric, boolean or tensor columns (one_hot or cast it first)`);
  }
  return DataType.isFixedSizeList(type) ? type.listSize : 1;
}

function batchExamples(batch: RecordBatch, plan: ColumnPlan): ExampleArrays {
  const rows = batch.numRows;
  const only = plan.features.length === 1 ? plan.features[0]! : undefined;
  const features = only ? float32View(columnOf(batch, only), rows * only.width) : undefined;
  const labelData = columnOf(batch, plan.label);
  const labels = plan.labelInt ? int32View(labelData, rows * plan.labelWidth) : float32View(labelData, rows * plan.labelWidth);
  const outFeatures = features ?? new Float32Array(rows * plan.width);
  if (!features) fillFeatures(batch, plan, outFeatures, 0);
  let outLabels = labels;
  if (!outLabels) {
    outLabels = plan.labelInt ? new Int32Array(rows * plan.labelWidth) : new Float32Array(rows * plan.labelWidth);
    fillLabels(batch, plan, outLabels, 0);
  }
  return { features: outFeatures, labels: outLabels };
}

const columnOf = (batch: RecordBatch, p: FeaturePlan): Data => batch.data.children[p.index] as Data;

/** The values of a scalar or tensor chunk, when they are float32 with no nulls anywhere. */
function float32View(data: Data, length: number): Float32Array | undefined {
  const values = DataType.isFixedSizeList(data.type) ? data.children[0]! : data;
  if (data.nullCount > 0 || values.nullCount > 0) return undefined;
  return values.values instanceof Float32Array ? values.values.subarray(0, length) : undefined;
}

function int32View(data: Data, length: number): Int32Array | undefined {
  const values = DataType.isFixedSizeList(data.type) ? data.children[0]! : data;
  if (data.nullCount > 0 || values.nullCount > 0) return undefined;
  return values.values instanceof Int32Array && DataType.isInt(values.type) ? values.values.subarray(0, length) : undefined;
}

function fillFeatures(batch: RecordBatch, plan: ColumnPlan, out: Float32Array, firstRow: number): void {
  for (const f of plan.features) copyColumn(columnOf(batch, f), f, out, firstRow, plan.width, 'feature');
}

function fillLabels(batch: RecordBatch, plan: ColumnPlan, out: Float32Array | Int32Array, firstRow: number): void {
  copyColumn(columnOf(batch, plan.label), plan.label, out, firstRow, plan.labelWidth, 'label');
}

/** Copies one column into its slot of each example; a null anywhere is an error, since training has no value to use. */
function copyColumn(data: Data, f: FeaturePlan, out: Float32Array | Int32Array, firstRow: number, stride: number, role: string): void {
  const values = DataType.isFixedSizeList(data.type) ? data.children[0]! : data;
  const rowValid = validReader(data);
  const elementValid = validReader(values);
  const read = numberReader(values)!;
  const plain = values.values as unknown;
  const fast = (plain instanceof Float32Array || plain instanceof Float64Array || plain instanceof Int32Array || plain instanceof Uint8Array ||
    plain instanceof Int8Array || plain instanceof Int16Array || plain instanceof Uint16Array || plain instanceof Uint32Array) && !DataType.isBool(values.type)
    ? (plain as ArrayLike<number>) : undefined;
  const checkNulls = data.nullCount > 0 || values.nullCount > 0;
  for (let r = 0; r < data.length; r++) {
    if (checkNulls && !rowValid(r)) throw nullError(f, role, firstRow + r);
    const base = (firstRow + r) * stride + f.offset;
    const src = r * f.width;
    if (checkNulls) {
      for (let k = 0; k < f.width; k++) if (!elementValid(src + k)) throw nullError(f, role, firstRow + r);
    }
    if (fast) for (let k = 0; k < f.width; k++) out[base + k] = fast[src + k]!;
    else for (let k = 0; k < f.width; k++) out[base + k] = read(src + k);
  }
}

const nullError = (f: FeaturePlan, role: string, row: number): DataError =>
  new DataError(`${role} column '${f.name}' is null in row ${row + 1}; training needs a value in every row (drop them with dropna, or fill them with derive)`);
