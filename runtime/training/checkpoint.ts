/**
 * Training checkpoints: a model's weights together with its optimizer's full state, in one file, so a trial
 * can stop on one worker and continue on another exactly as if it had never stopped.
 *
 * Layout (little-endian):
 *   8 bytes   magic "DLCCKPT1"
 *   4 bytes   header length H (uint32)
 *   H bytes   header, JSON, space-padded so the data starts 8-byte aligned; its first member is
 *             "sha256": 64 hex digits
 *   data      float32 values of every weight and optimizer accumulator, at the offsets the header gives
 * The checksum is the SHA-256 of the whole file with those 64 digits written as zeros, so it covers the
 * header as well as the data. Files are written to a temporary name and renamed into place, so a reader
 * never sees half a checkpoint and a crash leaves the previous one intact.
 */
import { createHash, randomBytes } from 'node:crypto';
import { open, readFile, rename, rm } from 'node:fs/promises';
import { endianness } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { Optimizer, Tensor } from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { Tf } from '../engine/index.js';
import { captureOptimizerState, restoreOptimizerState, type OptimizerState } from './optimizer-state.js';
import type { OptimizerName } from './optimizers.js';

const MAGIC = Buffer.from('DLCCKPT1', 'ascii');
const DIGEST_PLACEHOLDER = '0'.repeat(64);
/** Where the digest's 64 characters sit: after the magic, the length and `{"sha256":"`. */
const DIGEST_OFFSET = MAGIC.length + 4 + '{"sha256":"'.length;
const FORMAT = 'dlc-checkpoint';
const VERSION = 1;

export class CheckpointError extends Error {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(message);
    this.name = 'CheckpointError';
  }
}

interface ArrayEntry {
  name: string;
  shape: number[];
  /** Byte offset from the start of the data section. */
  offset: number;
  /** Number of float32 values. */
  length: number;
}

export interface CheckpointHeader {
  sha256: string;
  format: typeof FORMAT;
  version: typeof VERSION;
  model: { weights: ArrayEntry[] };
  optimizer?: {
    /** The spec's optimizer name and settings, enough to create a matching fresh optimizer. */
    name?: OptimizerName;
    settings?: Record<string, number | boolean>;
    className: string;
    iterations: number;
    slots: ArrayEntry[];
  };
  meta: Record<string, unknown>;
}

/** An optimizer to save or restore, with the spec-level name and settings when known. */
export interface CheckpointOptimizer {
  optimizer: Optimizer;
  name?: OptimizerName;
  settings?: Record<string, number | boolean>;
}

export interface SaveCheckpointInput {
  model: LayersModel;
  /** Omit to save weights only (an exported best model, say). */
  optimizer?: CheckpointOptimizer;
  /** JSON-serialisable facts to keep with the checkpoint (trial id, epochs done, ...). */
  meta?: Record<string, unknown>;
}

export interface SavedCheckpoint {
  path: string;
  bytes: number;
  sha256: string;
}

/** Writes a checkpoint atomically to `path`. */
export async function saveCheckpoint(path: string, input: SaveCheckpointInput): Promise<SavedCheckpoint> {
  assertLittleEndian(path);
  const arrays: Float32Array[] = [];
  let offset = 0;
  const add = (name: string, shape: number[], values: Float32Array): ArrayEntry => {
    arrays.push(values);
    const entry = { name, shape, offset, length: values.length };
    offset += values.byteLength;
    return entry;
  };

  const weights = input.model.weights.map((w) => {
    if (w.dtype !== 'float32') throw new CheckpointError(`cannot save weight ${w.name} of dtype ${w.dtype} (only float32)`, path);
    const value = w.read();
    return add(w.originalName, [...value.shape], Float32Array.from(value.dataSync()));
  });
  let optimizer: CheckpointHeader['optimizer'];
  if (input.optimizer !== undefined) {
    const state = await captureOptimizerState(input.optimizer.optimizer);
    optimizer = {
      ...(input.optimizer.name === undefined ? {} : { name: input.optimizer.name }),
      ...(input.optimizer.settings === undefined ? {} : { settings: input.optimizer.settings }),
      className: state.className,
      iterations: state.iterations,
      slots: state.slots.map((s) => add(s.name, s.shape, s.values)),
    };
  }
  const header: CheckpointHeader = {
    sha256: DIGEST_PLACEHOLDER,
    format: FORMAT,
    version: VERSION,
    model: { weights },
    ...(optimizer === undefined ? {} : { optimizer }),
    meta: input.meta ?? {},
  };

  const file = assemble(header, arrays);
  const digest = sha256(file);
  file.write(digest, DIGEST_OFFSET, 'ascii');
  await writeAtomically(path, file);
  return { path, bytes: file.length, sha256: digest };
}

export interface LoadCheckpointTarget {
  /** Receives the weights; it must have the checkpoint's architecture. */
  model: LayersModel;
  /**
   * Receives the optimizer state; must be of the same kind as the saved one (its settings may differ, e.g. a
   * new learning rate). A trainer's OptimizerSetup is accepted too. Omit to load weights only.
   */
  optimizer?: Optimizer | CheckpointOptimizer;
}

export interface LoadedCheckpoint {
  header: CheckpointHeader;
  meta: Record<string, unknown>;
  /** Optimizer steps taken before the checkpoint (0 when it has no optimizer state). */
  iterations: number;
}

/** Verifies the checkpoint at `path` and loads it into `target`. */
export async function loadCheckpoint(tf: Tf, path: string, target: LoadCheckpointTarget): Promise<LoadedCheckpoint> {
  const { header, data } = await readCheckpoint(path);
  const weights = target.model.weights;
  const saved = header.model.weights;
  if (saved.length !== weights.length) {
    throw new CheckpointError(`checkpoint ${path} holds ${saved.length} weights but the model has ${weights.length}: not the same architecture`, path);
  }
  const values: Tensor[] = [];
  try {
    weights.forEach((w, i) => {
      const entry = saved[i]!;
      if (!sameShape(entry.shape, w.shape as number[])) {
        throw new CheckpointError(
          `checkpoint ${path}: weight ${i} (${entry.name}) has shape [${entry.shape.join(', ')}] but the model's ${w.originalName} has [${w.shape.join(', ')}]`,
          path,
        );
      }
      values.push(tf.tensor(view(data, entry), entry.shape, 'float32'));
    });
    weights.forEach((w, i) => w.write(values[i]!));
  } finally {
    tf.dispose(values);
  }

  const optimizer = target.optimizer === undefined || !('optimizer' in target.optimizer) ? target.optimizer : target.optimizer.optimizer;
  if (optimizer !== undefined) {
    if (header.optimizer === undefined) throw new CheckpointError(`checkpoint ${path} has no optimizer state to resume from`, path);
    const state: OptimizerState = {
      className: header.optimizer.className,
      iterations: header.optimizer.iterations,
      slots: header.optimizer.slots.map((s) => ({ name: s.name, shape: s.shape, values: view(data, s) })),
    };
    try {
      await restoreOptimizerState(tf, optimizer, state, target.model.trainableWeights.map((w) => [...w.shape] as number[]));
    } catch (error) {
      throw new CheckpointError(`checkpoint ${path}: ${error instanceof Error ? error.message : String(error)}`, path);
    }
  }
  return { header, meta: header.meta, iterations: header.optimizer?.iterations ?? 0 };
}

/** Reads and verifies a checkpoint file: magic, header, checksum and every array's bounds. */
export async function readCheckpoint(path: string): Promise<{ header: CheckpointHeader; data: Buffer }> {
  assertLittleEndian(path);
  let file: Buffer;
  try {
    file = await readFile(path);
  } catch (error) {
    throw new CheckpointError(`cannot read checkpoint ${path}: ${(error as Error).message}`, path);
  }
  const corrupt = (why: string) => new CheckpointError(`checkpoint ${path} is corrupt: ${why}`, path);
  if (file.length < MAGIC.length + 4 || !file.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new CheckpointError(`${path} is not a dlc checkpoint (bad magic bytes)`, path);
  }
  const headerLength = file.readUInt32LE(MAGIC.length);
  const dataStart = MAGIC.length + 4 + headerLength;
  if (dataStart > file.length) throw corrupt(`the header claims ${headerLength} bytes but the file has ${file.length} in all (truncated?)`);

  const stored = file.toString('ascii', DIGEST_OFFSET, DIGEST_OFFSET + 64);
  const computed = createHash('sha256')
    .update(file.subarray(0, DIGEST_OFFSET))
    .update(DIGEST_PLACEHOLDER, 'ascii')
    .update(file.subarray(DIGEST_OFFSET + 64))
    .digest('hex');
  if (computed !== stored) throw corrupt(`SHA-256 mismatch (header says ${stored}, contents hash to ${computed})`);

  let header: CheckpointHeader;
  try {
    header = JSON.parse(file.toString('utf8', MAGIC.length + 4, dataStart)) as CheckpointHeader;
  } catch (error) {
    throw corrupt(`unreadable header (${(error as Error).message})`);
  }
  if (header.format !== FORMAT || header.version !== VERSION) {
    throw new CheckpointError(`${path} is a ${String(header.format)} version ${String(header.version)} file; this runtime reads ${FORMAT} version ${VERSION}`, path);
  }
  const data = file.subarray(dataStart);
  for (const entry of [...header.model.weights, ...(header.optimizer?.slots ?? [])]) {
    const count = entry.shape.reduce((a, b) => a * b, 1);
    if (count !== entry.length || entry.offset % 4 !== 0 || entry.offset + entry.length * 4 > data.length) {
      throw corrupt(`array ${entry.name} lies outside the data or does not match its shape`);
    }
  }
  return { header, data };
}

/** Header, padding and arrays as one buffer, with the digest still zero. */
function assemble(header: CheckpointHeader, arrays: readonly Float32Array[]): Buffer {
  let json = JSON.stringify(header);
  if (!json.startsWith(`{"sha256":"${DIGEST_PLACEHOLDER}"`)) throw new Error('checkpoint header must start with its digest');
  const unpadded = MAGIC.length + 4 + Buffer.byteLength(json);
  json += ' '.repeat((8 - (unpadded % 8)) % 8);
  const headerBytes = Buffer.from(json, 'utf8');
  const dataBytes = arrays.reduce((n, a) => n + a.byteLength, 0);
  const file = Buffer.alloc(MAGIC.length + 4 + headerBytes.length + dataBytes);
  MAGIC.copy(file, 0);
  file.writeUInt32LE(headerBytes.length, MAGIC.length);
  headerBytes.copy(file, MAGIC.length + 4);
  let at = MAGIC.length + 4 + headerBytes.length;
  for (const a of arrays) {
    Buffer.from(a.buffer, a.byteOffset, a.byteLength).copy(file, at);
    at += a.byteLength;
  }
  return file;
}

/** A copy of one array's values (a copy, so the values are aligned and outlive the file buffer). */
function view(data: Buffer, entry: ArrayEntry): Float32Array {
  const bytes = data.subarray(entry.offset, entry.offset + entry.length * 4);
  const out = new Float32Array(entry.length);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function assertLittleEndian(path: string): void {
  if (endianness() !== 'LE') throw new CheckpointError('checkpoints are little-endian float32; this host is big-endian', path);
}

/** Writes `bytes` to a temporary file beside `path`, flushes it, and renames it over `path`. */
export async function writeAtomically(path: string, bytes: Uint8Array): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'w');
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await syncDirectory(dirname(path));
}

/** Makes the rename itself durable; not every platform lets a directory be opened for this, so failure is ignored. */
async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Best effort only.
  }
}
