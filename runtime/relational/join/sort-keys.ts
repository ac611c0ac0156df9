/**
 * Rows ordered by key (the order of key-compare.ts), nulls left out. Word keys go through an LSD radix
 * sort on 16-bit digits (two passes a word, a pass skipped when every row has the same digit); string and
 * mixed keys through a comparison sort.
 */
import { compareKeys } from './key-compare.js';
import type { NormalizedKeys } from './keys.js';

const RADIX_MIN_ROWS = 2048;

export function sortedRows(keys: NormalizedKeys): Int32Array {
  const n = keys.count;
  let rows = new Int32Array(n - keys.nullCount);
  for (let i = 0, k = 0; i < n; i++) if (keys.nulls === null || keys.nulls[i] === 0) rows[k++] = i;
  if (keys.kind === 'bytes' || rows.length < RADIX_MIN_ROWS) return rows.sort((a, b) => compareKeys(keys, a, keys, b));
  const { words, width } = keys;
  let tmp = new Int32Array(rows.length);
  const counts = new Int32Array(65537);
  for (let w = width - 1; w >= 0; w--) {
    for (const shift of [0, 16]) {
      counts.fill(0);
      for (let i = 0; i < rows.length; i++) counts[((words[rows[i]! * width + w]! >>> shift) & 0xffff) + 1]!++;
      if (counts.some((c) => c === rows.length)) continue;
      for (let d = 0; d < 65536; d++) counts[d + 1]! += counts[d]!;
      for (let i = 0; i < rows.length; i++) {
        const r = rows[i]!;
        tmp[counts[(words[r * width + w]! >>> shift) & 0xffff]!++] = r;
      }
      const t = rows;
      rows = tmp;
      tmp = t;
    }
  }
  return rows;
}
