/**
 * Working arrays reused from one partition to the next within a thread. A join allocates a hash table,
 * its bucket index and the matched pairs for every partition; fresh each time, their megabytes fall on
 * the garbage collector's external-memory accounting and on first-touch page faults, which profiles showed
 * as a sixth of a join's time. Each thread (module instance) keeps its own, grown as needed.
 */
const pool = new Map<string, ArrayBuffer>();

function buffer(name: string, bytes: number): ArrayBuffer {
  let b = pool.get(name);
  if (b === undefined || b.byteLength < bytes) {
    b = new ArrayBuffer(Math.max(bytes, Math.ceil((b?.byteLength ?? 0) * 1.5)));
    pool.set(name, b);
  }
  return b;
}

/** An Int32Array of `n` elements over a reused buffer (contents left from earlier use). */
export const scratchInt32 = (name: string, n: number): Int32Array => new Int32Array(buffer(name, 4 * n), 0, n);
export const scratchUint32 = (name: string, n: number): Uint32Array => new Uint32Array(buffer(name, 4 * n), 0, n);
