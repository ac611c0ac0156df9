// Shared by the parallel-training tests: a pool of real worker processes, small synthetic data sets as
// partition files, a small MLP trial, and checkpoint comparison.
import { tableFromArrays } from 'apache-arrow';
import { LocalPool } from '../../runtime/backends/local/pool.js';
import { writeTableFile } from '../../runtime/data/table-file.js';
import type { WorkerSlot } from '../../runtime/devices/placement.js';
import { readCheckpoint } from '../../runtime/training/checkpoint.js';
import type { TrialSetup } from '../../runtime/worker/protocol.js';
import { clusters } from '../unit/training/fixture.js';
import { scratchDir } from '../helpers.js';

export const FEATURES = ['a', 'b', 'c', 'd', 'e', 'f'];

export function cpuSlots(count: number): WorkerSlot[] {
  return Array.from({ length: count }, (_, id) => ({ id, device: { kind: 'cpu' as const }, env: { CUDA_VISIBLE_DEVICES: '-1', CUDA_DEVICE_ORDER: 'PCI_BUS_ID' as const } }));
}

export function startPool(workers: number): Promise<LocalPool> {
  return LocalPool.start({ slots: cpuSlots(workers) });
}

export function scratch(): string {
  return scratchDir('dlc-par-');
}

export interface Rows {
  features: Float32Array;
  labels: Int32Array;
}

/** `count` examples of a 3-class problem over FEATURES. */
export function dataset(count: number, seed: number, spread = 0.6): Rows {
  return clusters(count, FEATURES.length, 3, seed, spread);
}

/** Rows `[begin, end)` of `rows`, in the given order of row indexes when `order` is given. */
export function pick(rows: Rows, indexes: readonly number[]): Rows {
  const w = FEATURES.length;
  const features = new Float32Array(indexes.length * w);
  const labels = new Int32Array(indexes.length);
  indexes.forEach((r, i) => {
    features.set(rows.features.subarray(r * w, (r + 1) * w), i * w);
    labels[i] = rows.labels[r]!;
  });
  return { features, labels };
}

export const range = (begin: number, end: number): number[] => Array.from({ length: end - begin }, (_, i) => begin + i);

/** Writes `rows` as a partition file (one float column per feature, an int label). */
export async function writeRows(path: string, rows: Rows): Promise<string> {
  const w = FEATURES.length;
  const n = rows.labels.length;
  const columns: Record<string, Float32Array | Int32Array> = {};
  FEATURES.forEach((name, j) => {
    columns[name] = Float32Array.from({ length: n }, (_, i) => rows.features[i * w + j]!);
  });
  columns.label = rows.labels;
  await writeTableFile(path, tableFromArrays(columns));
  return path;
}

export function mlpSetup(node: string, optimizer: Record<string, unknown> = { name: 'adam', learning_rate: 0.01 }, layers?: unknown[]): TrialSetup {
  return {
    node,
    step: {
      model: {
        input_shape: [FEATURES.length],
        layers: layers ?? [{ dense: { units: 12, activation: 'relu' } }, { dense: { units: 3, activation: 'softmax' } }],
      },
      optimizer,
      loss: 'sparse_categorical_crossentropy',
      metrics: ['accuracy'],
    },
    params: {},
    seed: 11,
    features: FEATURES,
    label: 'label',
  };
}

/** Every weight and optimizer accumulator of a checkpoint, in order. */
export async function checkpointValues(path: string): Promise<{ weights: Float32Array[]; slots: Float32Array[]; iterations: number }> {
  const { header, data } = await readCheckpoint(path);
  const read = (e: { offset: number; length: number }) => new Float32Array(data.buffer.slice(data.byteOffset + e.offset, data.byteOffset + e.offset + e.length * 4));
  return { weights: header.model.weights.map(read), slots: (header.optimizer?.slots ?? []).map(read), iterations: header.optimizer?.iterations ?? 0 };
}

/** Largest absolute difference between two lists of arrays of the same shapes. */
export function largestDifference(a: readonly Float32Array[], b: readonly Float32Array[]): number {
  if (a.length !== b.length) throw new Error(`${a.length} arrays against ${b.length}`);
  let worst = 0;
  a.forEach((x, i) => {
    const y = b[i]!;
    if (x.length !== y.length) throw new Error(`array ${i}: ${x.length} values against ${y.length}`);
    for (let j = 0; j < x.length; j++) worst = Math.max(worst, Math.abs(x[j]! - y[j]!));
  });
  return worst;
}
