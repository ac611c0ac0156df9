/**
 * `dlc calibrate`'s measurements: how fast this machine reads, sorts, hashes and sends table data, how
 * much memory a hash table's index costs per row, how many flops the training backend sustains, and what
 * a synchronous step between two worker processes costs beyond its work. Each
 * is the median of a few short rounds over a generated table of an int64-sized key and two float64
 * columns (24 bytes a row), the shape the join cost model reasons about.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { ConstantName, MachineConstants } from '../../compiler/cost/constants.js';
import { measureSyncStep } from './sync-step.js';

const require = createRequire(import.meta.url);

export const ROW_BYTES = 24;

export interface Measured {
  value: number;
  /** How it was measured, for `dlc calibrate --print`. */
  detail: string;
}

export interface CalibrateOptions {
  /** Rows of the generated table (default 300,000: 7.2 MB, enough to leave the caches and quick to sort). */
  rows?: number;
  /** Rounds per measurement; the median is kept (default 3). */
  rounds?: number;
  /** Skip loading TensorFlow.js (tests); train_flops_per_s is then not measured. */
  skipTraining?: boolean;
  /** Synchronous steps per round for sync_step_s (default 200). */
  syncSteps?: number;
  onStep?: (name: ConstantName) => void;
}

/** A deterministic generator, so two calibrations time the same data. */
function keys(rows: number, distinct: number): Float64Array {
  const out = new Float64Array(rows);
  let x = 0x2545f491;
  for (let i = 0; i < rows; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = (x >>> 0) % distinct;
  }
  return out;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function rate(rounds: number, bytes: number, run: () => void): number {
  const rates: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    run();
    const seconds = (performance.now() - t0) / 1000;
    rates.push(bytes / Math.max(seconds, 1e-6));
  }
  return median(rates);
}

/** Reading an Arrow IPC file back into columns, as steps hand tables to each other. */
export function measureRead(rows: number, rounds: number): Measured {
  const arrow = require('apache-arrow') as typeof import('apache-arrow');
  const k = keys(rows, rows);
  const table = arrow.tableFromArrays({ key: k, a: Float64Array.from(k, (v) => v * 0.5), b: Float64Array.from(k, (v) => v + 1) });
  const dir = mkdtempSync(join(tmpdir(), 'dlc-calibrate-'));
  try {
    const file = join(dir, 'table.arrow');
    writeFileSync(file, arrow.tableToIPC(table, 'file'));
    let sink = 0;
    const value = rate(rounds, rows * ROW_BYTES, () => {
      const t = arrow.tableFromIPC(readFileSync(file));
      for (const name of ['key', 'a', 'b']) {
        const col = t.getChild(name)!.toArray() as Float64Array;
        for (let i = 0; i < col.length; i += 64) sink += col[i]!;
      }
    });
    void sink;
    return { value, detail: `an Arrow IPC file of ${rows.toLocaleString('en-US')} rows read and decoded into columns, median of ${rounds}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Sorting rows by key: an index sorted by the key column, then every column gathered through it. */
export function measureSort(rows: number, rounds: number): Measured {
  const k = keys(rows, rows);
  const a = Float64Array.from(k, (v) => v * 0.5);
  const value = rate(rounds, rows * ROW_BYTES, () => {
    const index = new Uint32Array(rows);
    for (let i = 0; i < rows; i++) index[i] = i;
    index.sort((x, y) => k[x]! - k[y]!);
    const sk = new Float64Array(rows);
    const sa = new Float64Array(rows);
    for (let i = 0; i < rows; i++) {
      sk[i] = k[index[i]!]!;
      sa[i] = a[index[i]!]!;
    }
  });
  return { value, detail: `${rows.toLocaleString('en-US')} rows sorted by a numeric key and gathered, median of ${rounds}` };
}

/** A garbage collector to call, for measuring what a structure keeps alive. */
function collector(): (() => void) | undefined {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) return g;
  try {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  } catch {
    return undefined;
  }
}

function buildIndex(k: Float64Array): Map<number, number | number[]> {
  const index = new Map<number, number | number[]>();
  for (let i = 0; i < k.length; i++) {
    const key = k[i]!;
    const seen = index.get(key);
    if (seen === undefined) index.set(key, i);
    else if (typeof seen === 'number') index.set(key, [seen, i]);
    else seen.push(i);
  }
  return index;
}

/**
 * Building the join runtime's hash tables over a build side, as every worker of a broadcast join does, and
 * what a hash index costs per row in memory (a Map's: an upper bound of the runtime's typed-array tables).
 */
export function measureHash(rows: number, rounds: number): { hash: Measured; index: Measured } {
  // Keys repeat a little, as a build side's foreign keys do.
  const k = keys(rows, Math.floor(rows * 0.8));
  const arrow = require('apache-arrow') as typeof import('apache-arrow');
  const { broadcastBuild } = require('../relational/join/build-rate.js') as typeof import('../relational/join/build-rate.js');
  const build = arrow.tableFromArrays({ key: BigInt64Array.from(k, (v) => BigInt(v)), a: Float64Array.from(k, (v) => v * 0.5), b: Float64Array.from(k, (v) => v + 1) });
  const probe = arrow.tableFromArrays({ key: new BigInt64Array(0) });
  const built = broadcastBuild(probe, build, 'key');
  const value = rate(rounds, built.bytes, built.run);
  const gc = collector();
  let perRow = Number.NaN;
  if (gc) {
    gc();
    const before = process.memoryUsage().heapUsed;
    const index = buildIndex(k);
    gc();
    perRow = (process.memoryUsage().heapUsed - before) / rows;
    if (index.size === 0) perRow = Number.NaN;
  }
  return {
    hash: { value, detail: `${rows.toLocaleString('en-US')} rows put into the join runtime's hash tables, as a broadcast join builds them on every worker, median of ${rounds}` },
    index: { value: perRow, detail: gc ? `heap a Map index keeps alive per row (${Math.round(perRow)} B)` : 'not measured: no garbage collector to call' },
  };
}

/** Bytes through a pipe into another process on this machine, as local workers exchange data. */
export async function measureSend(bytes: number, rounds: number): Promise<Measured> {
  const chunk = Buffer.alloc(1 << 20, 7);
  const rates: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const child = spawn(process.execPath, ['-e', "process.stdout.write('ready');process.stdin.on('data',()=>{}).on('end',()=>process.exit(0))"], { stdio: ['pipe', 'pipe', 'ignore'] });
    await new Promise<void>((resolve, reject) => {
      child.once('error', reject);
      child.stdout.once('data', () => resolve());
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const t0 = performance.now();
    for (let sent = 0; sent < bytes; sent += chunk.length) {
      if (!child.stdin.write(chunk)) await new Promise<void>((resolve) => child.stdin.once('drain', () => resolve()));
    }
    child.stdin.end();
    await exited;
    rates.push(bytes / ((performance.now() - t0) / 1000));
  }
  return { value: median(rates), detail: `${Math.round(bytes / 2 ** 20)} MiB through a pipe to another process on this machine, median of ${rounds}; between machines the network decides` };
}

/** Matrix products on the training backend the engine picks, the bulk of training dense layers. */
export async function measureTraining(rounds: number): Promise<Measured> {
  const { initEngine } = (await import('../engine/index.js')) as typeof import('../engine/index.js');
  const engine = await initEngine({ quiet: true });
  const tf = engine.tf;
  const [m, k, n] = [256, 512, 256];
  const a = tf.randomNormal([m, k], 0, 1, 'float32', 1);
  const b = tf.randomNormal([k, n], 0, 1, 'float32', 2);
  const flops = 2 * m * k * n;
  const step = () => tf.tidy(() => tf.matMul(a, b)).dataSync();
  step();
  const rates: number[] = [];
  for (let r = 0; r < rounds; r++) {
    let calls = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < 300) {
      step();
      calls++;
    }
    rates.push((calls * flops) / ((performance.now() - t0) / 1000));
  }
  a.dispose();
  b.dispose();
  return { value: median(rates), detail: `${m}×${k} by ${k}×${n} matrix products on the ${engine.backend} backend, median of ${rounds}` };
}

/** A synchronous step between two processes beyond its work (sync-step.ts). */
export async function measureSync(steps: number, rounds: number): Promise<Measured> {
  const m = await measureSyncStep(steps, rounds);
  return {
    value: m.seconds,
    detail: `${steps} steps of two processes each working ${(m.workSeconds * 1e3).toPrecision(2)} ms and then waiting for the other's word over a pipe: time beyond the work, median of ${rounds}`,
  };
}

/** Every constant, measured in turn. */
export async function calibrate(opts: CalibrateOptions = {}): Promise<{ constants: Partial<MachineConstants>; details: Record<string, string> }> {
  const rows = opts.rows ?? 300_000;
  const rounds = opts.rounds ?? 3;
  const constants: Partial<MachineConstants> = {};
  const details: Record<string, string> = {};
  const keep = (name: ConstantName, m: Measured) => {
    details[name] = m.detail;
    if (Number.isFinite(m.value) && m.value > 0) constants[name] = m.value;
  };
  opts.onStep?.('read_bytes_per_s');
  keep('read_bytes_per_s', measureRead(rows, rounds));
  opts.onStep?.('sort_bytes_per_s');
  keep('sort_bytes_per_s', measureSort(rows, rounds));
  opts.onStep?.('hash_bytes_per_s');
  const h = measureHash(rows, rounds);
  keep('hash_bytes_per_s', h.hash);
  keep('hash_index_bytes_per_row', h.index);
  opts.onStep?.('send_bytes_per_s');
  keep('send_bytes_per_s', await measureSend(Math.max(16, Math.round((rows * ROW_BYTES * 4) / 2 ** 20)) * 2 ** 20, rounds));
  if (!opts.skipTraining) {
    opts.onStep?.('train_flops_per_s');
    keep('train_flops_per_s', await measureTraining(rounds));
  }
  opts.onStep?.('sync_step_s');
  keep('sync_step_s', await measureSync(opts.syncSteps ?? 200, rounds));
  return { constants, details };
}
