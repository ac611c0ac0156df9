import { spawnSync } from 'node:child_process';

/** One NVIDIA GPU as nvidia-smi reports it. Fields the card or driver does not report are absent. */
export interface Gpu {
  /** nvidia-smi's index, which is PCI bus order; CUDA uses the same order under CUDA_DEVICE_ORDER=PCI_BUS_ID. */
  index: number;
  uuid?: string;
  name: string;
  memoryTotalBytes?: number;
  memoryFreeBytes?: number;
  utilizationPercent?: number;
  driverVersion?: string;
  /** `major.minor`, e.g. `8.0`; drivers before the 510 branch cannot report it. */
  computeCapability?: string;
}

export interface GpuQuery {
  gpus: Gpu[];
  /** Why the list may be empty or incomplete, in words for `dlc doctor`; absent when all went well. */
  problem?: string;
}

export interface CommandResult {
  /** Exit status; null when the process was killed or never started. */
  status: number | null;
  stdout: string;
  stderr: string;
  /** Set when the process could not be started or timed out (`code` is ENOENT, ETIMEDOUT, ...). */
  error?: (Error & { code?: string }) | undefined;
}

export type RunCommand = (cmd: string, args: readonly string[]) => CommandResult;

/** The fields asked for, in the column order parseNvidiaSmiCsv expects. */
export const QUERY_FIELDS = [
  'index',
  'uuid',
  'name',
  'memory.total',
  'memory.free',
  'utilization.gpu',
  'driver_version',
  'compute_cap',
] as const;

/** Drivers older than the 510 branch reject compute_cap; the query without it is asked next. */
export const QUERY_FIELDS_WITHOUT_COMPUTE_CAP = QUERY_FIELDS.filter((f) => f !== 'compute_cap');

export function nvidiaSmiArgs(fields: readonly string[]): string[] {
  return [`--query-gpu=${fields.join(',')}`, '--format=csv,noheader,nounits'];
}

/** nvidia-smi normally answers in well under a second; a wedged GPU can make it hang for minutes. */
const TIMEOUT_MS = 15_000;

const defaultRun: RunCommand = (cmd, args) => {
  const r = spawnSync(cmd, [...args], { encoding: 'utf8', timeout: TIMEOUT_MS, windowsHide: true });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '', error: r.error };
};

/**
 * The GPUs on this machine, from nvidia-smi. Never throws: a machine without NVIDIA GPUs, drivers or
 * nvidia-smi is an ordinary machine, and the caller decides whether `problem` matters (it does when the
 * spec asked for `devices: gpu`).
 */
export function queryGpus(run: RunCommand = defaultRun): GpuQuery {
  let result = run('nvidia-smi', nvidiaSmiArgs(QUERY_FIELDS));
  if (!result.error && rejectsComputeCap(result)) {
    result = run('nvidia-smi', nvidiaSmiArgs(QUERY_FIELDS_WITHOUT_COMPUTE_CAP));
  }
  if (result.error) return { gpus: [], problem: spawnProblem(result.error) };

  const output = `${result.stdout}\n${result.stderr}`;
  // Printed with exit status 6 when the driver is loaded but sees no GPU (e.g. a passthrough gone wrong).
  if (/No devices were found/i.test(output)) return { gpus: [], problem: 'nvidia-smi: No devices were found' };
  if (result.status !== 0) {
    const said = (result.stderr.trim() || result.stdout.trim()).replace(/\s*\n\s*/g, ' ');
    const status = result.status === null ? '' : ` (exit status ${result.status})`;
    return { gpus: [], problem: `nvidia-smi failed${status}${said ? `: ${said}` : ''}` };
  }

  const parsed = parseNvidiaSmiCsv(result.stdout);
  if (parsed.badLines.length > 0) {
    const lines = parsed.badLines.map((l) => JSON.stringify(l)).join(', ');
    return { gpus: parsed.gpus, problem: `nvidia-smi printed ${plural(parsed.badLines.length, 'line')} dlc could not read: ${lines}` };
  }
  return { gpus: parsed.gpus };
}

function rejectsComputeCap(r: CommandResult): boolean {
  // Which stream carries this is not documented, so both are searched; the exit status (2 in public
  // reports) is not relied on.
  return /Field "compute_cap" is not a valid field to query/.test(`${r.stdout}\n${r.stderr}`);
}

function spawnProblem(error: Error & { code?: string }): string {
  if (error.code === 'ENOENT') return 'nvidia-smi not found';
  if (error.code === 'ETIMEDOUT') return `nvidia-smi did not answer within ${TIMEOUT_MS / 1000} s`;
  return `nvidia-smi could not be run: ${error.message}`;
}

export interface ParsedGpuList {
  gpus: Gpu[];
  /** Non-empty lines that are not a GPU record, kept so the caller can say what it ignored. */
  badLines: string[];
}

const MIB = 2 ** 20;

/**
 * Parses `--query-gpu=<QUERY_FIELDS> --format=csv,noheader,nounits` output, or the same without the
 * trailing compute_cap column (told apart by the column count: GPU names never contain commas). Values are
 * separated by `, `; lines may end in CRLF (Windows) or trailing blanks. A field the device cannot report
 * reads `[N/A]`, `[Not Supported]` or, from some older drivers, a bare `N/A`; those fields are left out.
 * Units are tolerated (`81920 MiB`, `35 %`) so output captured without `nounits` parses too.
 */
export function parseNvidiaSmiCsv(text: string): ParsedGpuList {
  const gpus: Gpu[] = [];
  const badLines: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '') continue;
    const cols = line.split(',').map((c) => c.trim());
    // A header line, if the output was captured without `noheader`.
    if (cols[0] === 'index') continue;
    const gpu = cols.length === QUERY_FIELDS.length || cols.length === QUERY_FIELDS_WITHOUT_COMPUTE_CAP.length ? toGpu(cols) : undefined;
    if (gpu) gpus.push(gpu);
    else badLines.push(line);
  }
  return { gpus, badLines };
}

function toGpu(cols: string[]): Gpu | undefined {
  const [index, uuid, name, total, free, util, driver, cc] = cols.map(known);
  if (index === undefined || !/^\d+$/.test(index)) return undefined;
  const gpu: Gpu = { index: Number(index), name: name ?? `GPU ${index}` };
  if (uuid !== undefined) gpu.uuid = uuid;
  const totalMib = number(total, 'MiB');
  if (totalMib !== undefined) gpu.memoryTotalBytes = totalMib * MIB;
  const freeMib = number(free, 'MiB');
  if (freeMib !== undefined) gpu.memoryFreeBytes = freeMib * MIB;
  const utilization = number(util, '%');
  if (utilization !== undefined) gpu.utilizationPercent = utilization;
  if (driver !== undefined) gpu.driverVersion = driver;
  if (cc !== undefined && /^\d+\.\d+$/.test(cc)) gpu.computeCapability = cc;
  return gpu;
}

/** undefined for the placeholders nvidia-smi prints instead of a value. */
function known(value: string): string | undefined {
  if (value === '' || /^\[.*\]$/.test(value) || /^N\/A$/i.test(value)) return undefined;
  return value;
}

function number(value: string | undefined, unit: string): number | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d+(?:\.\d+)?)\s*(\S+)?$/.exec(value);
  if (!m || (m[2] !== undefined && m[2] !== unit)) return undefined;
  return Number(m[1]);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
