import { SIZE_PATTERN } from './vocabulary.js';

/**
 * Byte sizes as the spec writes them (`memory_per_worker: 4GiB`). Kept next to SIZE_PATTERN, which the
 * schema validates with, so the grammar has one definition; here rather than under runtime/ because the
 * compiler (plan checks) needs it as much as the runtime, and the compiler must not import the runtime.
 *
 * KB/MB/GB/TB are decimal (powers of 1000) and KiB/MiB/GiB/TiB binary (powers of 1024), as IEC 80000-13
 * defines them; a bare number is bytes. Units are case-sensitive, as the schema's pattern is: `mb` would
 * be a millibit, and guessing is worse than a clear error.
 */
export const SIZE_UNITS = {
  B: 1,
  KB: 1e3,
  MB: 1e6,
  GB: 1e9,
  TB: 1e12,
  KiB: 2 ** 10,
  MiB: 2 ** 20,
  GiB: 2 ** 30,
  TiB: 2 ** 40,
} as const;

export type SizeUnit = keyof typeof SIZE_UNITS;

/** Bytes for a size such as `4GiB`, `1.5 GB` or `512`; undefined when the text is not a size. */
export function parseSize(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  const m = SIZE_PATTERN.exec(value);
  if (!m) return undefined;
  const amount = Number(m[1]);
  const unit = (m[2] ?? 'B') as SizeUnit;
  // Fractions of a byte round to the nearest byte (`0.5KiB` is 512, `1.0005KB` is 1001).
  const bytes = Math.round(amount * SIZE_UNITS[unit]);
  return Number.isSafeInteger(bytes) ? bytes : undefined;
}

const BINARY_STEPS: ReadonlyArray<[SizeUnit, number]> = [
  ['TiB', SIZE_UNITS.TiB],
  ['GiB', SIZE_UNITS.GiB],
  ['MiB', SIZE_UNITS.MiB],
  ['KiB', SIZE_UNITS.KiB],
];

/**
 * A short binary-unit rendering for messages: `4 GiB`, `1.5 GiB`, `512 MiB`, `900 B`. At most three
 * significant digits; the output parses back with parseSize once the space is dropped (approximately,
 * when rounding happened).
 */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return String(bytes);
  const sign = bytes < 0 ? '-' : '';
  const abs = Math.abs(bytes);
  for (let i = 0; i < BINARY_STEPS.length; i++) {
    const [unit, size] = BINARY_STEPS[i]!;
    if (abs < size) continue;
    const shown = trimNumber(abs / size);
    // 1048575 bytes rounds to "1024 KiB"; say "1 MiB" instead.
    const up = BINARY_STEPS[i - 1];
    if (Number(shown) >= 1024 && up) return `${sign}${trimNumber(abs / up[1])} ${up[0]}`;
    return `${sign}${shown} ${unit}`;
  }
  const whole = Math.round(abs);
  return whole >= 1024 ? `${sign}1 KiB` : `${sign}${whole} B`;
}

function trimNumber(n: number): string {
  const digits = n >= 100 ? 0 : n >= 10 ? 1 : 2;
  return String(Number(n.toFixed(digits)));
}
