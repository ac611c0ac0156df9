/**
 * HyperLogLog (Flajolet, Fusy, Gandouet, Meunier 2007): distinct values in one pass and 2^p bytes, with
 * a relative standard error of about 1.04/√(2^p) (1.6% at the default p = 12). Small counts use linear
 * counting, as HyperLogLog++ does. Each value is hashed twice with MurmurHash3 (two seeds): one hash picks
 * the register, the other gives the rank, so the sketch behaves like one with a 64-bit hash and needs no
 * large-range correction.
 */

export const DEFAULT_PRECISION = 12;

/** MurmurHash3 x86_32 of a string's UTF-16 code units. */
export function murmur3(text: string, seed: number): number {
  let h = seed >>> 0;
  const c1 = 0xcc9e2d51;
  const c2 = 0x1b873593;
  const n = text.length;
  let i = 0;
  // Two UTF-16 code units make one 32-bit block.
  for (; i + 1 < n; i += 2) {
    let k = (text.charCodeAt(i) & 0xffff) | ((text.charCodeAt(i + 1) & 0xffff) << 16);
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, c2);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  if (i < n) {
    let k = text.charCodeAt(i) & 0xffff;
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, c2);
    h ^= k;
  }
  h ^= n * 2;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const INDEX_SEED = 0x9747b28c;
const RANK_SEED = 0x5bd1e995;

export class HyperLogLog {
  readonly precision: number;
  readonly registers: Uint8Array;

  constructor(precision = DEFAULT_PRECISION, registers?: Uint8Array) {
    if (!Number.isInteger(precision) || precision < 4 || precision > 18) throw new RangeError(`HyperLogLog precision must be 4..18, got ${precision}`);
    this.precision = precision;
    const m = 1 << precision;
    if (registers && registers.length !== m) throw new RangeError(`${registers.length} registers for precision ${precision} (needs ${m})`);
    this.registers = registers ? registers.slice() : new Uint8Array(m);
  }

  /** Adds one value, given as its canonical text (see `keyText`). */
  add(text: string): void {
    const index = murmur3(text, INDEX_SEED) >>> (32 - this.precision);
    const rank = Math.clz32(murmur3(text, RANK_SEED)) + 1;
    if (rank > this.registers[index]!) this.registers[index] = rank;
  }

  /** Estimated distinct values added. */
  estimate(): number {
    const m = this.registers.length;
    let sum = 0;
    let zeros = 0;
    for (const r of this.registers) {
      sum += 2 ** -r;
      if (r === 0) zeros++;
    }
    const alpha = m === 16 ? 0.673 : m === 32 ? 0.697 : m === 64 ? 0.709 : 0.7213 / (1 + 1.079 / m);
    const raw = (alpha * m * m) / sum;
    // Linear counting is the better estimate while many registers are still empty.
    if (zeros > 0) {
      const linear = m * Math.log(m / zeros);
      if (linear <= 2.5 * m) return linear;
    }
    return raw;
  }

  /** This sketch becomes the sketch of both inputs' union. */
  merge(other: HyperLogLog): void {
    if (other.precision !== this.precision) throw new RangeError(`cannot merge HyperLogLog sketches of precision ${this.precision} and ${other.precision}`);
    for (let i = 0; i < this.registers.length; i++) if (other.registers[i]! > this.registers[i]!) this.registers[i] = other.registers[i]!;
  }

  clone(): HyperLogLog {
    return new HyperLogLog(this.precision, this.registers);
  }
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
