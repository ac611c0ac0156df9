/** Test fixtures written at test time into a temporary directory, and assertions on inspection results. */
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { InspectResult, SourceProblem, SourceStats } from '../../../compiler/host.js';
import { scratchDir } from '../../helpers.js';

export interface TempDir {
  path: string;
  /** Writes `content` at `name` (sub-directories created) and returns the absolute path. */
  write(name: string, content: string | Uint8Array): string;
  remove(): void;
}

export function makeTempDir(prefix: string): TempDir {
  const path = scratchDir(`dlc-${prefix}-`);
  return {
    path,
    write(name, content) {
      const file = join(path, name);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, content);
      return file;
    },
    remove: () => rmSync(path, { recursive: true, force: true }),
  };
}

const IDX_TYPE_BYTES = { uint8: 0x08, int8: 0x09, int16: 0x0b, int32: 0x0c, float32: 0x0d, float64: 0x0e } as const;
export type IdxFixtureType = keyof typeof IDX_TYPE_BYTES;
const ITEM_SIZE: Record<IdxFixtureType, number> = { uint8: 1, int8: 1, int16: 2, int32: 4, float32: 4, float64: 8 };

/** An IDX file: header plus big-endian values. `values` defaults to i mod 256 for every element. */
export function idxBytes(dtype: IdxFixtureType, dims: number[], values?: number[], options: { gzip?: boolean } = {}): Uint8Array {
  const count = dims.reduce((a, b) => a * b, 1);
  const size = ITEM_SIZE[dtype];
  const out = new Uint8Array(4 + 4 * dims.length + count * size);
  const view = new DataView(out.buffer);
  out[2] = IDX_TYPE_BYTES[dtype];
  out[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  const at = 4 + 4 * dims.length;
  for (let i = 0; i < count; i++) {
    const v = values ? values[i]! : i % 256;
    const o = at + i * size;
    if (dtype === 'uint8') view.setUint8(o, v);
    else if (dtype === 'int8') view.setInt8(o, v);
    else if (dtype === 'int16') view.setInt16(o, v, false);
    else if (dtype === 'int32') view.setInt32(o, v, false);
    else if (dtype === 'float32') view.setFloat32(o, v, false);
    else view.setFloat64(o, v, false);
  }
  return options.gzip ? gzipSync(out) : out;
}

export function assertOk(result: InspectResult): SourceStats {
  if (!result.ok) assert.fail(`expected ok, got ${result.problem.kind}: ${result.problem.message}`);
  return result.stats;
}

/** The problem of the expected kind, about `file`, whose message names the file and says each fragment. */
export function assertProblem(result: InspectResult, kind: SourceProblem['kind'], file: string, ...fragments: (string | RegExp)[]): SourceProblem {
  if (result.ok) assert.fail(`expected a ${kind} problem, got ok`);
  const { problem } = result;
  assert.equal(problem.kind, kind, problem.message);
  assert.equal(problem.file, file);
  assert.ok(problem.message.includes(file), `message should name ${file}: ${problem.message}`);
  for (const f of fragments) {
    if (typeof f === 'string') assert.ok(problem.message.includes(f), `message should say "${f}": ${problem.message}`);
    else assert.match(problem.message, f);
  }
  return problem;
}
