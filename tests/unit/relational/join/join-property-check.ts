// The property every join strategy must have: on random tables (duplicate and skewed keys, nulls, empty
// sides, string, float and multi-column keys, inputs in several record batches, 1 to 3 workers, with and
// without the Bloom pre-filter), each strategy and join type gives DuckDB's rows.
import assert from 'node:assert/strict';
import type { DuckDBConnection } from '@duckdb/node-api';
import fc from 'fast-check';
import { partitionByKeyHash, runJoin } from '../../../../runtime/relational/join/index.js';
import { arrowRows, type Cell, type ColumnKind, ctxFor, duckRows, joinNode, joinQuery, loadIntoDuckDB, type TestColumn, type TestTable, toArrow } from './join-fixtures.js';

const HOWS = ['inner', 'left', 'right', 'full', 'semi', 'anti'] as const;
const STRATEGIES = ['broadcast', 'shuffle_hash', 'sort_merge', 'colocated'] as const;
const KEY_SHAPES: Record<string, ColumnKind[]> = {
  int32: ['int32'],
  int64: ['int64'],
  float64: ['float64'],
  utf8: ['utf8'],
  bool: ['bool'],
  'int32+utf8': ['int32', 'utf8'],
  'int64+int64': ['int64', 'int64'],
};
const STRINGS = ['', 'a', 'b', 'ab', 'ba', 'é', 'a\u0000b', 'a somewhat longer string than the others', 'Ω≈ç', 'B', 'a string past sixty-four bytes, which is copied by another path than short ones'];
const FLOATS = [0, -0, 1, -1.5, 2.5, NaN, 1e300, -1e-300, 3, 4];

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Shape {
  seed: number;
  keys: string;
  leftRows: number;
  rightRows: number;
  domain: number;
  nullRate: number;
  skew: boolean;
  leftBatches: number;
  rightBatches: number;
  workers: number;
  bloom: boolean | 'auto';
  partitions: number;
}

function keyValue(kind: ColumnKind, i: number): Cell {
  switch (kind) {
    case 'int32':
      return i - 3;
    case 'int64':
      // Values past 32 bits exercise both words of the key.
      return i % 3 === 2 ? 2n ** 40n + BigInt(i) : BigInt(i - 3);
    case 'float64':
      return FLOATS[i % FLOATS.length]!;
    case 'utf8':
      return STRINGS[i % STRINGS.length]!;
    case 'bool':
      return i % 2 === 0;
  }
}

function makeTable(s: Shape, rows: number, rand: () => number, side: 'left' | 'right'): TestTable {
  const kinds = KEY_SHAPES[s.keys]!;
  const hot = Math.floor(rand() * s.domain);
  const keyCols: TestColumn[] = kinds.map((kind, k) => ({ name: `k${k}`, kind, values: [] }));
  for (let r = 0; r < rows; r++) {
    for (const c of keyCols) {
      if (rand() < s.nullRate) c.values.push(null);
      else c.values.push(keyValue(c.kind, s.skew && rand() < 0.7 ? hot : Math.floor(rand() * s.domain)));
    }
  }
  const ints = (): Cell[] => Array.from({ length: rows }, () => (rand() < 0.2 ? null : Math.floor(rand() * 1000) - 500));
  const strs = (): Cell[] => Array.from({ length: rows }, () => (rand() < 0.2 ? null : STRINGS[Math.floor(rand() * STRINGS.length)]!));
  const floats = (): Cell[] => Array.from({ length: rows }, () => (rand() < 0.2 ? null : Math.round(rand() * 1e4) / 100));
  const payload: TestColumn[] =
    side === 'left'
      ? [{ name: 'a', kind: 'int32', values: ints() }, { name: 's', kind: 'utf8', values: strs() }]
      : [{ name: 'b', kind: 'float64', values: floats() }, { name: 'a', kind: 'int32', values: ints() }, { name: 'flag', kind: 'bool', values: Array.from({ length: rows }, () => (rand() < 0.2 ? null : rand() < 0.5)) }];
  // Keys somewhere in the middle, not always first.
  const columns = side === 'left' ? [payload[0]!, ...keyCols, payload[1]!] : [...payload.slice(0, 2), ...keyCols, payload[2]!];
  return { columns };
}

function batchSizes(rows: number, batches: number, rand: () => number): number[] {
  if (batches <= 1 || rows === 0) return [rows];
  const cuts = Array.from({ length: batches - 1 }, () => Math.floor(rand() * (rows + 1))).sort((a, b) => a - b);
  return [...cuts, rows].map((c, i, all) => c - (i === 0 ? 0 : all[i - 1]!));
}

export const shapeArb: fc.Arbitrary<Shape> = fc.record({
  seed: fc.integer(),
  keys: fc.constantFrom(...Object.keys(KEY_SHAPES)),
  leftRows: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 40 })),
  rightRows: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 40 })),
  domain: fc.integer({ min: 1, max: 10 }),
  nullRate: fc.constantFrom(0, 0.1, 0.3),
  skew: fc.boolean(),
  leftBatches: fc.integer({ min: 1, max: 3 }),
  rightBatches: fc.integer({ min: 1, max: 3 }),
  workers: fc.integer({ min: 1, max: 3 }),
  bloom: fc.constantFrom<boolean | 'auto'>(true, false, 'auto'),
  partitions: fc.integer({ min: 1, max: 4 }),
});

export async function checkJoinsAgainstDuckDB(conn: DuckDBConnection, opts: { numRuns: number; seed: number; maxRows: number }): Promise<number> {
  let cases = 0;
  const arb = shapeArb.map((s) => ({ ...s, leftRows: Math.min(s.leftRows, opts.maxRows), rightRows: Math.min(s.rightRows, opts.maxRows) }));
  await fc.assert(
    fc.asyncProperty(arb, async (s) => {
      const rand = prng(s.seed);
      const left = makeTable(s, s.leftRows, rand, 'left');
      const right = makeTable(s, s.rightRows, rand, 'right');
      const on = KEY_SHAPES[s.keys]!.map((_, k) => `k${k}`);
      await loadIntoDuckDB(conn, 'l', left);
      await loadIntoDuckDB(conn, 'r', right);
      const inputs = {
        whole: [toArrow(left, batchSizes(s.leftRows, s.leftBatches, rand)), toArrow(right, batchSizes(s.rightRows, s.rightBatches, rand))] as const,
        colocated: [partitionByKeyHash(toArrow(left), on, s.partitions), partitionByKeyHash(toArrow(right), on, s.partitions)] as const,
      };
      for (const how of HOWS) {
        const expected = await duckRows(conn, joinQuery(left, right, on, how));
        for (const strategy of STRATEGIES) {
          const [l, r] = strategy === 'colocated' ? inputs.colocated : inputs.whole;
          const out = await runJoin(joinNode({ on: on.length === 1 ? on[0] : on, how, strategy, bloom_filter: s.bloom }), l, r, ctxFor(s.workers, s.seed));
          assert.deepEqual(arrowRows(out), expected, `${strategy} ${how} with ${s.workers} workers`);
          cases++;
        }
      }
    }),
    { numRuns: opts.numRuns, seed: opts.seed },
  );
  return cases;
}
