/**
 * HyperLogLog (Flajolet, Fusy, Gandouet, Meunier 2007): distinct values in one pass and 2^p one-byte
 * registers, with a relative standard error of about 1.04/√(2^p) (1.6% at p = 12, 0.8% at p = 14), and the
 * paper's small-range (linear counting) and large-range corrections for a 32-bit hash.
 *
 * The one sketch of dlc: the planner's key statistics (sketches/distinct.ts, over sampled rows as text)
 * and the join runtime (over key hashes it has already computed, in registers that may live in memory
 * shared between worker threads) both use it, so a count from either means the same thing.
 * Sketches of one precision merge (register-wise max): workers sketch their own rows and the driver
 * combines them; the union's estimate also gives an intersection by inclusion-exclusion.
 */

/** The planner's precision: 4 KiB per key sketched, ~1.6% error, plenty for a sample of 2^16 rows. */
export const DEFAULT_PRECISION = 12;

const TWO_32 = 4294967296;

export class HyperLogLog {
  readonly precision: number;
  readonly registers: Uint8Array;

  /**
   * `registers`, when given, are used in place, not copied: a join worker thread writes into a block of
   * shared memory the driver then reads. `clone()` copies.
   */
  constructor(precision = DEFAULT_PRECISION, registers?: Uint8Array) {
    if (!Number.isInteger(precision) || precision < 4 || precision > 18) throw new RangeError(`HyperLogLog precision is an integer from 4 to 18, got ${precision}`);
    this.precision = precision;
    const m = 1 << precision;
    if (registers !== undefined && registers.length !== m) throw new RangeError(`a precision-${precision} sketch has ${m} registers, got ${registers.length}`);
    this.registers = registers ?? new Uint8Array(m);
  }

  /** Adds one value by its uniformly distributed 32-bit hash: the top p bits pick the register, the rest give the rank. */
  addHash(hash: number): void {
    const p = this.precision;
    const idx = hash >>> (32 - p);
    // The marker bit bounds the rank at 32 - p + 1 when the remaining bits are all zero.
    const rest = ((hash << p) | (1 << (p - 1))) >>> 0;
    const rank = Math.clz32(rest) + 1;
    if (rank > this.registers[idx]!) this.registers[idx] = rank;
  }

  /** Adds one value; text should be a key's canonical form (`keyText`), so equal keys hash alike whatever file they came from. */
  add(value: string | number | bigint | boolean): void {
    this.addHash(hashValue(value));
  }

  /** Estimated distinct values added. */
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
    // Linear counting is the better estimate while many registers are still empty; judged by its own
    // count, as HyperLogLog++ does, since the raw estimate is biased upwards just below 2.5·m.
    if (zeros > 0) {
      const linear = m * Math.log(m / zeros);
      if (linear <= 2.5 * m) return linear;
    }
    // Near 2^32 distinct values the 32-bit hashes collide; the paper's correction accounts for it.
    if (raw > TWO_32 / 30) return -TWO_32 * Math.log(1 - raw / TWO_32);
    return raw;
  }

  /** This sketch becomes the sketch of both inputs' union. */
  merge(other: HyperLogLog): void {
    if (other.precision !== this.precision) throw new RangeError(`only sketches of the same precision merge (${this.precision} and ${other.precision})`);
    const a = this.registers;
    const b = other.registers;
    for (let i = 0; i < a.length; i++) if (b[i]! > a[i]!) a[i] = b[i]!;
  }

  clone(): HyperLogLog {
    return new HyperLogLog(this.precision, this.registers.slice());
  }

  /** Estimated size of the intersection of two sketched sets: |A| + |B| − |A ∪ B|, never below 0. */
  static intersection(a: HyperLogLog, b: HyperLogLog): number {
    const union = a.clone();
    union.merge(b);
    return Math.max(0, a.estimate() + b.estimate() - union.estimate());
  }
}

const encoder = new TextEncoder();
const scratch = new DataView(new ArrayBuffer(8));
let text = new Uint8Array(256);

/**
 * A string's UTF-8 bytes in a buffer reused from call to call: ASCII by a plain loop, anything else by
 * the encoder. The planner hashes every sampled key, and a new array per key was most of the sketch's time.
 */
function utf8(value: string): Uint8Array {
  if (value.length * 3 > text.length) text = new Uint8Array(value.length * 3);
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0x80) return text.subarray(0, encoder.encodeInto(value, text).written);
    text[i] = c;
  }
  return text.subarray(0, value.length);
}

/** A 32-bit hash of a value: MurmurHash3 x86_32 of its UTF-8 text, or of its 8 bytes (seed 1) for numbers. */
export function hashValue(value: string | number | bigint | boolean): number {
  if (typeof value === 'string') return murmur3(utf8(value), 0);
  if (typeof value === 'bigint') scratch.setBigInt64(0, value, true);
  // 0 and -0 are one number.
  else scratch.setFloat64(0, typeof value === 'boolean' ? Number(value) : value === 0 ? 0 : value, true);
  return murmur3(new Uint8Array(scratch.buffer), 1);
}

/** MurmurHash3 x86_32 (Appleby) of a byte string. */
export function murmur3(bytes: Uint8Array, seed: number): number {
  const c1 = 0xcc9e2d51;
  const c2 = 0x1b873593;
  let h = seed >>> 0;
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

/**
 * The text a key is hashed as: one value as its string form, several joined by a separator that cannot
 * occur in them unescaped; undefined when any part is null (a null key never matches). Numbers that are
 * whole print without a fraction, so 7 read from CSV and 7n from Parquet hash alike.
 */
export function keyText(values: readonly unknown[]): string | undefined {
  let out = '';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) return undefined;
    const s = typeof v === 'string' ? v : typeof v === 'bigint' ? v.toString() : typeof v === 'number' ? String(v) : v instanceof Date ? v.toISOString() : JSON.stringify(v);
    const escaped = s.includes('\u0001') ? s.replaceAll('\u0001', '\u0001\u0002') : s;
    out += i === 0 ? escaped : `\u0001${escaped}`;
  }
  return out;
}
