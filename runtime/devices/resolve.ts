import type { Gpu } from './nvidia-smi.js';

/** `resources.devices` as the spec (or `--devices`) gives it. */
export type DeviceSpec = 'auto' | 'cpu' | 'gpu' | readonly number[];

export interface DeviceResolution {
  kind: 'gpu' | 'cpu';
  /** nvidia-smi indexes of the GPUs to use, in the order workers take them; empty for cpu. */
  gpuIndexes: number[];
  /** What could not be honoured, starting with the spec path; the caller decides whether it is fatal. */
  problem?: string;
}

/**
 * Which devices a run uses. `auto` takes every GPU found and falls back to the CPU silently; `gpu` and an
 * explicit list say so when the machine cannot give what they ask for. An explicit list keeps the GPUs that
 * do exist, so a lenient caller (a warning rather than an error) can still run on them.
 */
export function resolveDevices(spec: DeviceSpec, gpus: readonly Gpu[]): DeviceResolution {
  const present = [...new Set(gpus.map((g) => g.index))].sort((a, b) => a - b);
  if (spec === 'cpu') return { kind: 'cpu', gpuIndexes: [] };
  if (spec === 'auto') return present.length > 0 ? { kind: 'gpu', gpuIndexes: present } : { kind: 'cpu', gpuIndexes: [] };
  if (spec === 'gpu') {
    if (present.length > 0) return { kind: 'gpu', gpuIndexes: present };
    return { kind: 'cpu', gpuIndexes: [], problem: 'resources.devices: gpu asks for a GPU, but no GPU was found' };
  }

  if (spec.length === 0) return { kind: 'cpu', gpuIndexes: [], problem: 'resources.devices: the list names no GPU' };
  const wanted = [...new Set(spec)];
  const invalid = wanted.filter((i) => !Number.isSafeInteger(i) || i < 0);
  const missing = wanted.filter((i) => !invalid.includes(i) && !present.includes(i));
  const chosen = wanted.filter((i) => present.includes(i));
  const problems: string[] = [];
  if (invalid.length > 0) problems.push(`${list(invalid)} ${invalid.length === 1 ? 'is not a GPU index' : 'are not GPU indexes'}`);
  if (missing.length > 0) {
    const have = present.length === 0 ? 'this machine has no GPU' : `this machine has ${gpuWord(present.length)} ${list(present)}`;
    problems.push(`${gpuWord(missing.length)} ${list(missing)} ${missing.length === 1 ? 'is' : 'are'} not present (${have})`);
  }
  const resolution: DeviceResolution = chosen.length > 0 ? { kind: 'gpu', gpuIndexes: chosen } : { kind: 'cpu', gpuIndexes: [] };
  if (problems.length > 0) resolution.problem = `resources.devices: ${problems.join('; ')}`;
  return resolution;
}

function gpuWord(n: number): string {
  return n === 1 ? 'GPU' : 'GPUs';
}

function list(items: readonly number[]): string {
  const parts = items.map(String);
  if (parts.length <= 1) return parts.join('');
  return `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
}
