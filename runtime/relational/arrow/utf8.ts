/** A Utf8 column chunk from JavaScript strings (null for a missing value). */
import { makeData, Utf8, type Data } from 'apache-arrow';

export function utf8FromStrings(strings: readonly (string | null)[]): Data<Utf8> {
  const encoder = new TextEncoder();
  const parts = strings.map((s) => (s === null ? undefined : encoder.encode(s)));
  const valueOffsets = new Int32Array(strings.length + 1);
  let total = 0;
  parts.forEach((p, i) => (valueOffsets[i + 1] = total += p?.length ?? 0));
  const data = new Uint8Array(total);
  parts.forEach((p, i) => p && data.set(p, valueOffsets[i]!));
  const nulls = parts.filter((p) => p === undefined).length;
  if (nulls === 0) return makeData({ type: new Utf8(), length: strings.length, valueOffsets, data, nullCount: 0 });
  const nullBitmap = new Uint8Array((strings.length + 7) >> 3);
  parts.forEach((p, i) => p !== undefined && (nullBitmap[i >> 3]! |= 1 << (i & 7)));
  return makeData({ type: new Utf8(), length: strings.length, valueOffsets, data, nullBitmap, nullCount: nulls });
}
