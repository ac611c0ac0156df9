/**
 * Copies a short byte run (a string value) four bytes at a time through DataViews: about twice as fast as
 * a byte loop for strings of a dozen bytes, and with no subarray object per call as TypedArray.set needs.
 */
export function copyBytes(dst: DataView, to: number, src: DataView, from: number, len: number): void {
  let k = 0;
  for (; k + 4 <= len; k += 4) dst.setUint32(to + k, src.getUint32(from + k, true), true);
  for (; k < len; k++) dst.setUint8(to + k, src.getUint8(from + k));
}

export const viewOf = (a: Uint8Array): DataView => new DataView(a.buffer, a.byteOffset, a.byteLength);
