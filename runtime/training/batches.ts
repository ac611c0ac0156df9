/**
 * Cuts training data into batches. Data comes as one pair of flat typed arrays (a partition in memory) or
 * as a stream of such chunks (record batches read from Arrow or Parquet); either way examples are shuffled
 * within each chunk under a seed and packed into batches of exactly `batchSize`, a chunk's leftover
 * examples carrying into the next, with only the very last batch possibly smaller.
 */
import { elementsPerExample } from './build-model.js';
import { deriveSeed, seededPermutation } from './seeds.js';

/** Examples as flat row-major arrays: features of every example, then labels of every example. */
export interface ExampleArrays {
  features: Float32Array | Int32Array;
  labels: Float32Array | Int32Array;
}

export type TrainingData = ExampleArrays | Iterable<ExampleArrays> | AsyncIterable<ExampleArrays>;

export interface Batch extends ExampleArrays {
  count: number;
}

export interface BatchOptions {
  batchSize: number;
  /** Shuffle within each chunk (default true). */
  shuffle?: boolean;
  /** Seeds the shuffle; chunk i is shuffled under a seed derived from this and i. Default 0. */
  shuffleSeed?: number;
}

function isExampleArrays(data: TrainingData): data is ExampleArrays {
  return typeof data === 'object' && data !== null && 'features' in data && 'labels' in data && ArrayBuffer.isView((data as ExampleArrays).features);
}

async function* chunksOf(data: TrainingData): AsyncGenerator<ExampleArrays> {
  if (isExampleArrays(data)) {
    yield data;
    return;
  }
  for await (const chunk of data as AsyncIterable<ExampleArrays>) yield chunk;
}

/**
 * How long batches may follow each other without giving timers and I/O a turn. Training ops run
 * synchronously, and an async generator only yields to microtasks, so without this a long unit would
 * starve a worker's heartbeat and its queue lock renewals.
 */
const YIELD_EVERY_MS = 50;

/** The batches of `data`; `inputShape` fixes how many feature values make one example. */
export async function* batchesOf(data: TrainingData, inputShape: readonly number[], options: BatchOptions): AsyncGenerator<Batch> {
  const { batchSize } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batch size must be a positive integer, got ${batchSize}`);
  const featureWidth = elementsPerExample(inputShape);
  const shuffle = options.shuffle ?? true;
  let labelWidth: number | undefined;
  let pending: { features: Float32Array | Int32Array; labels: Float32Array | Int32Array; count: number } | undefined;
  let chunkIndex = 0;
  let lastYield = performance.now();
  const breathe = async (): Promise<void> => {
    if (performance.now() - lastYield < YIELD_EVERY_MS) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    lastYield = performance.now();
  };

  for await (const chunk of chunksOf(data)) {
    const count = chunk.features.length / featureWidth;
    if (!Number.isInteger(count)) {
      throw new RangeError(`a chunk holds ${chunk.features.length} feature values, not a whole number of examples of shape [${inputShape.join(', ')}]`);
    }
    if (count === 0) continue;
    const width = chunk.labels.length / count;
    if (!Number.isInteger(width) || width < 1) throw new RangeError(`a chunk of ${count} examples has ${chunk.labels.length} label values`);
    if (labelWidth !== undefined && width !== labelWidth) throw new RangeError(`label width changed between chunks (${labelWidth} then ${width})`);
    labelWidth = width;
    const order = shuffle ? seededPermutation(count, deriveSeed(options.shuffleSeed ?? 0, 'shuffle', chunkIndex)) : undefined;
    chunkIndex++;

    let next = 0;
    while (next < count) {
      await breathe();
      if (pending === undefined && order === undefined && count - next >= batchSize) {
        // In order and a whole batch available: hand out views, no copying.
        yield {
          features: chunk.features.subarray(next * featureWidth, (next + batchSize) * featureWidth),
          labels: chunk.labels.subarray(next * width, (next + batchSize) * width),
          count: batchSize,
        };
        next += batchSize;
        continue;
      }
      pending ??= {
        features: new (chunk.features.constructor as Float32ArrayConstructor | Int32ArrayConstructor)(batchSize * featureWidth),
        labels: new (chunk.labels.constructor as Float32ArrayConstructor | Int32ArrayConstructor)(batchSize * width),
        count: 0,
      };
      while (pending.count < batchSize && next < count) {
        const row = order === undefined ? next : order[next]!;
        pending.features.set(chunk.features.subarray(row * featureWidth, (row + 1) * featureWidth), pending.count * featureWidth);
        pending.labels.set(chunk.labels.subarray(row * width, (row + 1) * width), pending.count * width);
        pending.count++;
        next++;
      }
      if (pending.count === batchSize) {
        yield pending;
        pending = undefined;
      }
    }
  }
  if (pending !== undefined && pending.count > 0) {
    yield {
      features: pending.features.subarray(0, pending.count * featureWidth),
      labels: pending.labels.subarray(0, pending.count * labelWidth!),
      count: pending.count,
    };
  }
}
