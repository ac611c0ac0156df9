/**
 * `normalize: {column: standard | minmax | {divide_by: n}}`. The result is float32, a tensor column staying a
 * tensor of the same shape. Statistics are taken over the whole input column (every element of a tensor
 * column, so an image is scaled as a whole, not pixel by pixel), ignoring nulls, in float64:
 * - standard: (x - mean) / sd, with the population standard deviation (as scikit-learn's StandardScaler and
 *   Keras' Normalization layer); a constant column becomes 0.
 * - minmax: (x - min) / (max - min); a constant column becomes 0.
 * - divide_by: x / n.
 * Nulls stay null.
 */
import { DataType, Field, Float32, makeData, type Data, type Table } from 'apache-arrow';
import type { NormalizeSpec } from '../../../compiler/spec/types.js';
import { numberReader, validReader, validityFromZero, type NumberAt } from '../arrow/numeric-values.js';
import { columnChunks, fieldIndex, mapBatches } from '../arrow/table-parts.js';
import { tensorField, tensorShape } from '../arrow/tensor-field.js';
import { DataError } from '../types.js';

interface Affine {
  shift: number;
  scale: number;
}

export function normalize(table: Table, spec: Record<string, NormalizeSpec>, step: string): Table {
  let out = table;
  for (const [name, how] of Object.entries(spec)) out = normalizeColumn(out, name, how, step);
  return out;
}

function normalizeColumn(table: Table, name: string, how: NormalizeSpec, step: string): Table {
  const index = fieldIndex(table, name);
  const field = table.schema.fields[index];
  if (!field) throw new DataError(`step ${step}: normalize: no column '${name}' in the input`);
  const tensor = DataType.isFixedSizeList(field.type);
  const chunks = columnChunks(table, index);
  const elements = chunks.map((c) => elementReader(c, field, step));
  const affine = affineFor(how, elements, `step ${step}: normalize '${name}'`);
  const newField = tensor
    ? tensorField(name, 'float32', tensorShape(field)!, field.nullable)
    : new Field(name, new Float32(), field.nullable, field.metadata);
  const fields = table.schema.fields.map((f, i) => (i === index ? newField : f));
  return mapBatches(table, fields, (batch, b) => {
    const columns = batch.data.children.slice() as Data[];
    const chunk = columns[index]!;
    const scaled = scaleElements(elements[b]!, affine);
    if (!tensor) {
      columns[index] = makeData({ type: new Float32(), length: chunk.length, data: scaled, ...validityFromZero(chunk) });
    } else {
      const child = makeData({ type: new Float32(), length: scaled.length, data: scaled, ...validityFromZero(chunk.children[0]!) });
      columns[index] = makeData({ type: newField.type, length: chunk.length, child, ...validityFromZero(chunk) } as never);
    }
    return columns;
  });
}

/** The numbers of one chunk as a flat list: a scalar column's rows, or every element of a tensor column. */
interface Elements {
  count: number;
  at: NumberAt;
  /** The values themselves when they are a plain typed array: the fast path for large tensor columns. */
  plain: ArrayLike<number> | undefined;
  valid: (i: number) => boolean;
}

function elementReader(chunk: Data, field: Field, step: string): Elements {
  const values = DataType.isFixedSizeList(chunk.type) ? chunk.children[0]! : chunk;
  const at = numberReader(values);
  if (!at) throw new DataError(`step ${step}: cannot normalize column '${field.name}' of type ${field.type}; normalize takes numeric or tensor columns`);
  // Null tensor rows have child slots too; their elements count as missing.
  const rowValid = validReader(chunk);
  const elementValid = validReader(values);
  const size = DataType.isFixedSizeList(chunk.type) ? chunk.type.listSize : 1;
  const valid = size === 1 && values === chunk ? rowValid : (i: number) => rowValid(Math.floor(i / size)) && elementValid(i);
  const raw = values.values as unknown;
  const plain = (DataType.isInt(values.type) || (DataType.isFloat(values.type) && values.type.precision !== 0)) &&
    !(raw instanceof BigInt64Array || raw instanceof BigUint64Array) ? (raw as ArrayLike<number>) : undefined;
  return { count: chunk.length * size, at, valid, plain };
}

function affineFor(how: NormalizeSpec, chunks: readonly Elements[], what: string): Affine {
  if (typeof how === 'object') {
    const n = Number(how.divide_by);
    if (!Number.isFinite(n) || n === 0) throw new DataError(`${what}: divide_by must be a non-zero number, got ${how.divide_by}`);
    return { shift: 0, scale: n };
  }
  if (how === 'minmax') {
    let min = Infinity;
    let max = -Infinity;
    forEachValue(chunks, (x) => {
      if (x < min) min = x;
      if (x > max) max = x;
    });
    if (min === Infinity) return { shift: 0, scale: 1 };
    return { shift: min, scale: max > min ? max - min : Infinity };
  }
  if (how === 'standard') {
    // Welford's update: one pass, no catastrophic cancellation on large values.
    let n = 0;
    let mean = 0;
    let m2 = 0;
    forEachValue(chunks, (x) => {
      n++;
      const d = x - mean;
      mean += d / n;
      m2 += d * (x - mean);
    });
    if (n === 0) return { shift: 0, scale: 1 };
    const sd = Math.sqrt(m2 / n);
    return { shift: mean, scale: sd > 0 ? sd : Infinity };
  }
  throw new DataError(`${what}: unknown normalization ${JSON.stringify(how)}`);
}

function forEachValue(chunks: readonly Elements[], fn: (x: number) => void): void {
  for (const c of chunks) {
    for (let i = 0; i < c.count; i++) if (c.valid(i)) fn(c.at(i));
  }
}

/** Scale Infinity stands for a constant column: x - shift is 0 and the result 0, never NaN. */
function scaleElements(e: Elements, { shift, scale }: Affine): Float32Array {
  const out = new Float32Array(e.count);
  if (scale === Infinity) return out;
  const { plain, at } = e;
  if (plain) for (let i = 0; i < e.count; i++) out[i] = (plain[i]! - shift) / scale;
  else for (let i = 0; i < e.count; i++) out[i] = (at(i) - shift) / scale;
  return out;
}
