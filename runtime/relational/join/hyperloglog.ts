/**
 * HyperLogLog distinct-count sketch (Flajolet et al. 2007) over 32-bit hashes, with the paper's small- and
 * large-range corrections. With precision p it keeps 2^p one-byte registers and estimates within about
 * 1.04 / sqrt(2^p) relative standard error (p = 14: 16 KiB, ~0.8%). Sketches of the same precision merge
 * (register-wise max), so workers sketch their own rows and the driver combines them; the union's estimate
 * also gives an intersection by inclusion-exclusion.
 *
 * Self-contained on purpose: callers that already hash their values use addHash; others use add(). Its
 * registers may live in memory shared between join worker threads, which write into them in place; the
 * planner's sampling sketch (runtime/data/sketches) keys by text instead and copies its registers.
 */

const TWO_32 = 4294967296;

export class HyperLogLog {
  readonly precision: number;
  readonly registers: Uint8Array;

  constructor(precision = 14, registers?: Uint8Array) {
    if (!Number.isInteger(precision) || precision < 4 || precision > 16) throw new RangeError('HyperLogLog precision is an integer from 4 to 16');
    this.precision = precision;
    const m = 1 << precision;
    if (registers !== undefined && registers.length !== m) throw new RangeError(`a precision-${precision} sketch has ${m} registers`);
    this.registers = registers ?? new Uint8Array(m);
  }

  /** Adds one value by its uniformly distributed 32-bit hash. */
  addHash(hash: number): void {
    const p = this.precision;
    const idx = hash >>> (32 - p);
    // The marker bit bounds the rank at 32 - p + 1 when the remaining bits are all zero.
    const rest = ((hash << p) | (1 << (p - 1))) >>> 0;
    const rank = Math.clz32(rest) + 1;
    if (rank > this.registers[idx]!) this.registers[idx] = rank;
  }

  add(value: string | number | bigint | boolean): void {
    this.addHash(hashValue(value));
  }

  merge(other: HyperLogLog): void {
    if (other.precision !== this.precision) throw new RangeError('only sketches of the same precision merge');
    const a = this.registers;
    const b = other.registers;
    for (let i = 0; i < a.length; i++) if (b[i]! > a[i]!) a[i] = b[i]!;
  }

  estimate(): number {
    const m = this.registers.length;
    let sum = 0;
    let zeros = 0;
    for (let i = 0; i < m; i++) {
      const r = this.registers[i]!;
      sum += 2 ** -r;
      if (r === 0) zeros++;
    }
    const alpha = m === 16 ? 0.673 : m === 32 ? 0.697 : m === 64 ? 0.709 : 0.7213 / (1 + 1.079 / m);
    const raw = (alpha * m * m) / sum;
    if (raw <= 2.5 * m && zeros > 0) return m * Math.log(m / zeros);
    if (raw > TWO_32 / 30) return -TWO_32 * Math.log(1 - raw / TWO_32);
    return raw;
  }

  /** Estimated size of the intersection of two sketched sets: |A| + |B| - |A ∪ B|, never below 0. */
  static intersection(a: HyperLogLog, b: HyperLogLog): number {
    const union = new HyperLogLog(a.precision, a.registers.slice());
    union.merge(b);
    return Math.max(0, a.estimate() + b.estimate() - union.estimate());
  }
}

const encoder = new TextEncoder();
const scratch = new DataView(new ArrayBuffer(8));

/** A 32-bit hash of a value (MurmurHash3 x86_32 of its UTF-8 text, or of its 8 bytes for numbers). */
export function hashValue(value: string | number | bigint | boolean): number {
  if (typeof value === 'string') return murmur3(encoder.encode(value), 0);
  if (typeof value === 'bigint') scratch.setBigInt64(0, value, true);
  else scratch.setFloat64(0, typeof value === 'boolean' ? Number(value) : value === 0 ? 0 : value, true);
  return murmur3(new Uint8Array(scratch.buffer), 1);
}

function murmur3(bytes: Uint8Array, seed: number): number {
  const c1 = 0xcc9e2d51;
  const c2 = 0x1b873593;
  let h = seed;
  const n = bytes.length;
  const whole = n & ~3;
  let k: number;
  for (let i = 0; i < whole; i += 4) {
    k = bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, c2);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  k = 0;
  const tail = n - whole;
  if (tail === 3) k ^= bytes[whole + 2]! << 16;
  if (tail >= 2) k ^= bytes[whole + 1]! << 8;
  if (tail >= 1) {
    k ^= bytes[whole]!;
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, c2);
  }
  h ^= n;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
