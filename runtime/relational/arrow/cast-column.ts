/**
 * Casting a column to one of the spec's column types in JavaScript, for Arrow sources (whose files may
 * store a column more widely or differently than the type the compiler settled on) and for tensor casts.
 * Scalar casts between text and numbers are DuckDB's business (transform `cast` goes through SQL); here
 * only storage changes that cannot fail: widening and narrowing numbers, units of dates and timestamps,
 * nested fixed-size lists flattened into tensors, dictionaries decoded, and anything printed as text.
 */
import { DataType, Field, makeData, TimeUnit, Vector, type Data } from 'apache-arrow';
import { formatColumnType, type ColumnType } from '../../../compiler/spec/columns.js';
import { DataError } from '../types.js';
import { fieldFor, hasStorageOf, scalarArrowType } from './column-types.js';
import { numberReader, validReader, validityFromZero } from './numeric-values.js';
import { tensorType, type TensorDtype } from './tensor-field.js';
import { utf8FromStrings } from './utf8.js';

export interface CastColumn {
  field: Field;
  chunks: Data[];
}

export function castColumn(field: Field, chunks: readonly Data[], target: ColumnType, where: string): CastColumn {
  const out = fieldFor(field.name, target, field.nullable);
  if (hasStorageOf(field, target)) return { field: out, chunks: chunks.map((c) => (c.type === out.type ? c : c.clone(out.type))) };
  return { field: out, chunks: chunks.map((c) => castChunk(c, field, target, where)) };
}

const cannot = (field: Field, target: ColumnType, where: string): DataError =>
  new DataError(`${where}: column '${field.name}' holds ${field.type}, which cannot be read as ${formatColumnType(target)}`);

function castChunk(data: Data, field: Field, target: ColumnType, where: string): Data {
  if (DataType.isDictionary(data.type)) {
    const v = new Vector([data]);
    const decoded = [...v] as unknown[];
    if (target === 'string') return utf8FromStrings(decoded.map((x) => (x === null || x === undefined ? null : String(x))));
    throw cannot(field, target, where);
  }
  if (typeof target !== 'string') return toTensor(data, field, target, where);
  if (target === 'string') return toText(data);
  const type = scalarArrowType(target);
  const length = data.length;
  const validity = validityFromZero(data);
  const t = data.type;
  if (target === 'date' || target === 'timestamp') {
    if (!DataType.isDate(t) && !DataType.isTimestamp(t)) throw cannot(field, target, where);
    const millis = new Vector([data]);
    const valid = validReader(data);
    if (target === 'date') {
      const out = new Int32Array(length);
      for (let i = 0; i < length; i++) if (valid(i)) out[i] = Math.floor((millis.get(i) as number) / 86_400_000);
      return makeData({ type, length, data: out, ...validity } as never);
    }
    const out = new BigInt64Array(length);
    if (DataType.isTimestamp(t)) {
      const raw = data.values as unknown as BigInt64Array;
      const scale = { [TimeUnit.SECOND]: 1_000_000n, [TimeUnit.MILLISECOND]: 1000n, [TimeUnit.MICROSECOND]: 1n, [TimeUnit.NANOSECOND]: 0n }[t.unit];
      for (let i = 0; i < length; i++) out[i] = scale === 0n ? raw[i]! / 1000n : raw[i]! * scale;
    } else {
      for (let i = 0; i < length; i++) if (valid(i)) out[i] = BigInt(millis.get(i) as number) * 1000n;
    }
    return makeData({ type, length, data: out, ...validity } as never);
  }
  const read = numberReader(data);
  if (!read) throw cannot(field, target, where);
  if (target === 'bool') {
    const bits = new Uint8Array((length + 7) >> 3);
    for (let i = 0; i < length; i++) if (read(i) !== 0) bits[i >> 3]! |= 1 << (i & 7);
    return makeData({ type, length, data: bits, ...validity } as never);
  }
  if (target === 'int64') {
    const raw = data.values as unknown;
    // 64-bit sources keep every bit; anything narrower fits exactly.
    if (raw instanceof BigUint64Array) return makeData({ type, length, data: new BigInt64Array(raw.buffer, raw.byteOffset, length), ...validity } as never);
    const out = new BigInt64Array(length);
    for (let i = 0; i < length; i++) out[i] = BigInt(Math.trunc(read(i)) || 0);
    return makeData({ type, length, data: out, ...validity } as never);
  }
  const Ctor = { int8: Int8Array, int16: Int16Array, int32: Int32Array, uint8: Uint8Array, float32: Float32Array, float64: Float64Array }[target];
  const out = new Ctor(length);
  for (let i = 0; i < length; i++) out[i] = read(i);
  return makeData({ type, length, data: out, ...validity } as never);
}

/** A nested or flat fixed-size list of numbers as a flat tensor of the target's shape and element type. */
function toTensor(data: Data, field: Field, target: Extract<ColumnType, object>, where: string): Data {
  let leaf = data;
  let size = 1;
  while (DataType.isFixedSizeList(leaf.type)) {
    size *= leaf.type.listSize;
    leaf = leaf.children[0]!;
  }
  const expected = target.shape.reduce((a, b) => a * b, 1);
  const read = leaf === data ? undefined : numberReader(leaf);
  if (!read || size !== expected) throw cannot(field, target, where);
  const n = data.length * size;
  const Ctor: Record<TensorDtype, Uint8ArrayConstructor | Int32ArrayConstructor | Float32ArrayConstructor> = { uint8: Uint8Array, int32: Int32Array, float32: Float32Array };
  const values = new Ctor[target.tensor](n);
  for (let i = 0; i < n; i++) values[i] = read(i);
  const type = tensorType(target.tensor, target.shape);
  const child = makeData({ type: type.children[0]!.type, length: n, data: values, ...validityFromZero(leaf) } as never);
  return makeData({ type, length: data.length, child, ...validityFromZero(data) } as never);
}

/** Any value as text: numbers and strings as themselves, dates as ISO dates, lists and structs as JSON. */
function toText(data: Data): Data {
  const v = new Vector([data]);
  const t = data.type;
  const out: (string | null)[] = [];
  for (let i = 0; i < data.length; i++) {
    const x = v.get(i) as unknown;
    if (x === null || x === undefined) out.push(null);
    else if (DataType.isDate(t)) out.push(new Date(x as number).toISOString().slice(0, 10));
    // Arrow's getter gives dates and timestamps of every unit as milliseconds since the epoch.
    else if (DataType.isTimestamp(t)) out.push(new Date(Number(x)).toISOString().replace('T', ' ').replace('Z', ''));
    else if (typeof x === 'object') out.push(JSON.stringify(x, (_k, val: unknown) => (typeof val === 'bigint' ? Number(val) : val)));
    else out.push(String(x));
  }
  return utf8FromStrings(out);
}
