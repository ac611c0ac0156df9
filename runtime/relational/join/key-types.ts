/**
 * Key columns of different but comparable types (int32 against int64, int against float, date against
 * timestamp) are converted to one common type on both sides before anything else, so the workers compare
 * raw bits. The output's key column then has that common type: the analyzer's schema gives it the left
 * side's type, which is the same whenever the two sides agree, the usual case.
 */
import { DataType, DateMillisecond, Float64, Int64, type Timestamp, Timestamp as TimestampType, Type } from 'apache-arrow';
import type { ColumnOf } from './arrow-layout.js';
import { layoutFromData } from './arrow-layout.js';
import { concatLayouts } from './concat.js';
import { gatherLayout } from './gather.js';
import { type Alloc, type FixedLayout, type Layout, plainAlloc } from './layout.js';

/** Keys whose types cannot be compared; the caller reports it as a DataError naming the key. */
export class KeyTypeError extends Error {}

export interface UnifiedKey {
  left: ColumnOf;
  right: ColumnOf;
  /** Compare as floats (-0 = 0, NaN = NaN). */
  float: boolean;
}

type Family = 'int' | 'float' | 'date' | 'timestamp' | 'bytes' | 'bool' | 'decimal' | 'time' | 'fixed-binary' | 'other';

function family(t: DataType): Family {
  if (DataType.isInt(t)) return 'int';
  if (DataType.isFloat(t)) return 'float';
  if (DataType.isDate(t)) return 'date';
  if (DataType.isTimestamp(t)) return 'timestamp';
  if (DataType.isUtf8(t) || DataType.isLargeUtf8(t) || DataType.isBinary(t) || DataType.isLargeBinary(t)) return 'bytes';
  if (DataType.isBool(t)) return 'bool';
  if (DataType.isDecimal(t)) return 'decimal';
  if (DataType.isTime(t)) return 'time';
  if (DataType.isFixedSizeBinary(t)) return 'fixed-binary';
  return 'other';
}

export function unifyKeyColumns(l: ColumnOf, r: ColumnOf, alloc: Alloc): UnifiedKey {
  const left = l.dictionary ? decodeColumn(l, alloc) : l;
  const right = r.dictionary ? decodeColumn(r, alloc) : r;
  const lf = family(left.type);
  const rf = family(right.type);
  const lt = left.type as DataType & Record<string, unknown>;
  const rt = right.type as DataType & Record<string, unknown>;
  if (lf === 'other' || rf === 'other') throw new KeyTypeError(`cannot join on a ${String(lf === 'other' ? left.type : right.type)} column`);
  const same = { left, right, float: lf === 'float' };
  if (lf === 'int' && rf === 'int') {
    if (lt.bitWidth === rt.bitWidth && lt.isSigned === rt.isSigned) return same;
    return { left: toInt64(left, alloc), right: toInt64(right, alloc), float: false };
  }
  if ((lf === 'int' || lf === 'float') && (rf === 'int' || rf === 'float')) {
    if (lf === 'float' && rf === 'float' && lt.precision === rt.precision) return same;
    return { left: toFloat64(left, alloc), right: toFloat64(right, alloc), float: true };
  }
  if ((lf === 'date' || lf === 'timestamp') && (rf === 'date' || rf === 'timestamp')) {
    if (lf === rf && lt.unit === rt.unit) return same;
    const target: DataType =
      lf === 'date' && rf === 'date'
        ? new DateMillisecond()
        : new TimestampType(Math.max(lf === 'timestamp' ? (lt.unit as number) : 0, rf === 'timestamp' ? (rt.unit as number) : 0), ((lf === 'timestamp' ? lt : rt) as unknown as Timestamp).timezone);
    return { left: toTime(left, target, alloc), right: toTime(right, target, alloc), float: false };
  }
  if (lf !== rf) throw new KeyTypeError(`a ${String(left.type)} key cannot be compared with a ${String(right.type)} key`);
  if (lf === 'bytes' || lf === 'bool') return same;
  if (String(left.type) === String(right.type)) return same;
  throw new KeyTypeError(`a ${String(left.type)} key cannot be compared with a ${String(right.type)} key`);
}

export function decodeColumn(c: ColumnOf, alloc: Alloc): ColumnOf {
  const ix = c.layout as FixedLayout;
  const values = concatLayouts(c.dictionary!.data.map(layoutFromData), plainAlloc);
  const idx = new Int32Array(ix.length);
  const read = indexReader(ix);
  for (let i = 0; i < ix.length; i++) idx[i] = ix.validity !== null && ((ix.validity[i >>> 3]! >>> (i & 7)) & 1) === 0 ? -1 : read(i);
  return { layout: gatherLayout(values, idx, 0, ix.length, alloc), type: (c.type as unknown as { dictionary: DataType }).dictionary };
}

function indexReader(l: FixedLayout): (i: number) => number {
  const dv = new DataView(l.values.buffer, l.values.byteOffset, l.values.byteLength);
  if (l.width === 1) return (i) => dv.getUint8(i);
  if (l.width === 2) return (i) => dv.getUint16(2 * i, true);
  if (l.width === 4) return (i) => dv.getUint32(4 * i, true);
  return (i) => Number(dv.getBigUint64(8 * i, true));
}

/** A numeric reader of a fixed-width int or float column, as JavaScript numbers or bigints. */
function numberReader(c: ColumnOf): (i: number) => number | bigint {
  const l = c.layout as FixedLayout;
  const t = c.type as DataType & { isSigned?: boolean; precision?: number };
  const dv = new DataView(l.values.buffer, l.values.byteOffset, l.values.byteLength);
  if (DataType.isFloat(c.type)) {
    if (l.width === 2) return (i) => halfToNumber(dv.getUint16(2 * i, true));
    if (l.width === 4) return (i) => dv.getFloat32(4 * i, true);
    return (i) => dv.getFloat64(8 * i, true);
  }
  const signed = t.isSigned !== false;
  switch (l.width) {
    case 1:
      return signed ? (i) => dv.getInt8(i) : (i) => dv.getUint8(i);
    case 2:
      return signed ? (i) => dv.getInt16(2 * i, true) : (i) => dv.getUint16(2 * i, true);
    case 4:
      return signed ? (i) => dv.getInt32(4 * i, true) : (i) => dv.getUint32(4 * i, true);
    default:
      return signed ? (i) => dv.getBigInt64(8 * i, true) : (i) => dv.getBigUint64(8 * i, true);
  }
}

function halfToNumber(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >>> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

function fixed8(c: ColumnOf, alloc: Alloc, write: (dv: DataView, i: number) => void): Layout {
  const l = c.layout;
  const values = new Uint8Array(alloc(8 * l.length));
  const dv = new DataView(values.buffer);
  for (let i = 0; i < l.length; i++) if (l.validity === null || ((l.validity[i >>> 3]! >>> (i & 7)) & 1) === 1) write(dv, i);
  return { kind: 'fixed', width: 8, values, length: l.length, nullCount: l.nullCount, validity: l.validity };
}

function toInt64(c: ColumnOf, alloc: Alloc): ColumnOf {
  const read = numberReader(c);
  return { layout: fixed8(c, alloc, (dv, i) => dv.setBigInt64(8 * i, BigInt.asIntN(64, BigInt(read(i))), true)), type: new Int64() };
}

function toFloat64(c: ColumnOf, alloc: Alloc): ColumnOf {
  if (DataType.isFloat(c.type) && (c.type as unknown as { precision: number }).precision === 2) return c;
  const read = numberReader(c);
  return { layout: fixed8(c, alloc, (dv, i) => dv.setFloat64(8 * i, Number(read(i)), true)), type: new Float64() };
}

/** Units per second of a timestamp unit (0 s, 1 ms, 2 us, 3 ns). */
const PER_SECOND = [1n, 1000n, 1000000n, 1000000000n];

function toTime(c: ColumnOf, target: DataType, alloc: Alloc): ColumnOf {
  const t = c.type as DataType & { unit: number };
  const targetPerSecond = target.typeId === Type.Date ? 1000n : PER_SECOND[(target as unknown as { unit: number }).unit]!;
  const l = c.layout as FixedLayout;
  const dv = new DataView(l.values.buffer, l.values.byteOffset, l.values.byteLength);
  let read: (i: number) => bigint;
  if (DataType.isDate(c.type)) {
    // DateDay counts days in 32 bits; DateMillisecond milliseconds in 64.
    read = t.unit === 0 ? (i) => BigInt(dv.getInt32(4 * i, true)) * 86400n * targetPerSecond : (i) => (dv.getBigInt64(8 * i, true) * targetPerSecond) / 1000n;
  } else {
    const from = PER_SECOND[t.unit]!;
    read = (i) => (dv.getBigInt64(8 * i, true) * targetPerSecond) / from;
  }
  return { layout: fixed8(c, alloc, (out, i) => out.setBigInt64(8 * i, read(i), true)), type: target };
}

