/**
 * Reading numbers out of a column chunk whatever its numeric storage: plain typed arrays directly, 64-bit
 * integers through Number (exact up to 2^53), anything else through the vector's own getter.
 */
import { DataType, Vector, type Data } from 'apache-arrow';

export type NumberAt = (i: number) => number;

/** A reader of row i's value (validity not considered) for a numeric chunk, or undefined if it is not numeric. */
export function numberReader(data: Data): NumberAt | undefined {
  const t = data.type;
  if (DataType.isInt(t) || DataType.isFloat(t)) {
    const values = data.values as unknown as ArrayLike<number | bigint>;
    if (values instanceof BigInt64Array || values instanceof BigUint64Array) return (i) => Number(values[i]!);
    if (DataType.isFloat(t) && t.precision === 0) {
      // Half floats are stored as uint16 bit patterns; the vector decodes them.
      const v = new Vector([data]);
      return (i) => v.get(i) as number;
    }
    const plain = values as ArrayLike<number>;
    return (i) => plain[i]!;
  }
  if (DataType.isBool(t)) {
    const bits = data.values as Uint8Array;
    return (i) => (bits[(data.offset + i) >> 3]! >> ((data.offset + i) & 7)) & 1;
  }
  if (DataType.isDecimal(t)) {
    const v = new Vector([data]);
    return (i) => Number(v.get(i));
  }
  return undefined;
}

/** Whether row i of a chunk holds a value. */
export function validReader(data: Data): (i: number) => boolean {
  const bitmap = data.nullBitmap;
  if (data.nullCount === 0 || !bitmap || bitmap.length === 0) return () => true;
  const offset = data.offset;
  return (i) => ((bitmap[(offset + i) >> 3]! >> ((offset + i) & 7)) & 1) === 1;
}

/** The chunk's validity bitmap re-based to start at bit 0 (a copy only when the chunk starts mid-byte). */
export function validityFromZero(data: Data): { nullBitmap?: Uint8Array; nullCount: number } {
  const bitmap = data.nullBitmap;
  if (data.nullCount === 0 || !bitmap || bitmap.length === 0) return { nullCount: 0 };
  const bytes = (data.length + 7) >> 3;
  if (data.offset % 8 === 0) return { nullBitmap: bitmap.subarray(data.offset >> 3, (data.offset >> 3) + bytes), nullCount: data.nullCount };
  const out = new Uint8Array(bytes);
  const valid = validReader(data);
  for (let i = 0; i < data.length; i++) if (valid(i)) out[i >> 3]! |= 1 << (i & 7);
  return { nullBitmap: out, nullCount: data.nullCount };
}
