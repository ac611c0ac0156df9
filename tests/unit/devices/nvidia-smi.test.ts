import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import {
  nvidiaSmiArgs,
  parseNvidiaSmiCsv,
  QUERY_FIELDS,
  QUERY_FIELDS_WITHOUT_COMPUTE_CAP,
  queryGpus,
  type CommandResult,
  type Gpu,
  type RunCommand,
} from '../../../runtime/devices/nvidia-smi.js';

// Compiled tests run from dist/tests/unit/devices; the fixtures stay in the source tree.
const FIXTURES = new URL('../../../../tests/fixtures/nvidia-smi/', import.meta.url);
const fixture = (name: string): string => readFileSync(new URL(name, FIXTURES), 'utf8');
const MiB = 2 ** 20;

function gpu(index: number, uuid: string | undefined, name: string, totalMib: number | undefined, freeMib: number | undefined, util: number | undefined, driver: string, cc?: string): Gpu {
  const g: Gpu = { index, name };
  if (uuid !== undefined) g.uuid = uuid;
  if (totalMib !== undefined) g.memoryTotalBytes = totalMib * MiB;
  if (freeMib !== undefined) g.memoryFreeBytes = freeMib * MiB;
  if (util !== undefined) g.utilizationPercent = util;
  g.driverVersion = driver;
  if (cc !== undefined) g.computeCapability = cc;
  return g;
}

test('550: eight H100s with compute capability, one of them busy', () => {
  const { gpus, badLines } = parseNvidiaSmiCsv(fixture('550.54.15-h100-x8.csv'));
  assert.deepEqual(badLines, []);
  assert.equal(gpus.length, 8);
  assert.deepEqual(gpus.map((g) => g.index), [0, 1, 2, 3, 4, 5, 6, 7]);
  assert.deepEqual(gpus[3], gpu(3, 'GPU-e3f82a05-7b6c-1d94-e05a-9c3b7f2d6e18', 'NVIDIA H100 80GB HBM3', 81559, 12377, 97, '550.54.15', '9.0'));
  assert.ok(gpus.every((g) => g.memoryTotalBytes === 81559 * MiB && g.computeCapability === '9.0'));
});

test('525: four A100 80GB', () => {
  const { gpus, badLines } = parseNvidiaSmiCsv(fixture('525.85.12-a100-sxm4-80gb-x4.csv'));
  assert.deepEqual(badLines, []);
  assert.deepEqual(gpus, [
    gpu(0, 'GPU-1f8a3c62-7d4e-b905-2e6a-c3b19d7f0e84', 'NVIDIA A100-SXM4-80GB', 81920, 81050, 0, '525.85.12', '8.0'),
    gpu(1, 'GPU-6b2e9d05-a4f1-38c7-d6e0-72f4a1b8c93d', 'NVIDIA A100-SXM4-80GB', 81920, 40211, 54, '525.85.12', '8.0'),
    gpu(2, 'GPU-d3c70a4b-1e96-f52d-8a3b-e96c05d27f10', 'NVIDIA A100-SXM4-80GB', 81920, 81050, 0, '525.85.12', '8.0'),
    gpu(3, 'GPU-48f5e1b9-c02a-6d73-b1f4-0a8e3c96d52e', 'NVIDIA A100-SXM4-80GB', 81920, 81050, 0, '525.85.12', '8.0'),
  ]);
});

test('535: two workstation GPUs whose names contain spaces', () => {
  const { gpus, badLines } = parseNvidiaSmiCsv(fixture('535.129.03-quadro-rtx4000-x2.csv'));
  assert.deepEqual(badLines, []);
  assert.deepEqual(gpus, [
    gpu(0, 'GPU-9a4c2e7f-3b81-d650-e2f9-7c1a04b8d36e', 'Quadro RTX 4000', 8192, 7966, 0, '535.129.03', '7.5'),
    gpu(1, 'GPU-3e7b05d1-f8c2-49a6-0d3e-b5f8c27a1e94', 'Quadro RTX 4000', 8192, 7966, 0, '535.129.03', '7.5'),
  ]);
});

test('535 with MIG: [N/A] fields are left out, the rest is kept', () => {
  const { gpus, badLines } = parseNvidiaSmiCsv(fixture('535.104.05-a100-mig.csv'));
  assert.deepEqual(badLines, []);
  assert.deepEqual(gpus, [
    gpu(0, 'GPU-e6a19c3f-52d8-07b4-9f1e-d4c2b07a8e65', 'NVIDIA A100-SXM4-80GB', 81920, undefined, undefined, '535.104.05', '8.0'),
    gpu(1, 'GPU-0c5f8b2a-e7d3-61c9-a4b0-38e9f1d6c72b', 'NVIDIA A100-SXM4-80GB', 81920, 81050, 12, '535.104.05', '8.0'),
  ]);
  assert.ok(!('utilizationPercent' in gpus[0]!));
});

test('470: the seven-column answer to the query without compute_cap', () => {
  const { gpus, badLines } = parseNvidiaSmiCsv(fixture('470.182.03-t4-without-compute-cap.csv'));
  assert.deepEqual(badLines, []);
  assert.deepEqual(gpus, [gpu(0, 'GPU-7d3a9e1c-b6f2-4085-c1d9-e2a7f04b8c36', 'Tesla T4', 15109, 14914, 0, '470.182.03')]);
});

test('Windows: CRLF line endings', () => {
  const text = fixture('552.22-windows-rtx4070-crlf.csv');
  assert.ok(text.endsWith('\r\n'), 'the fixture must keep its CRLF bytes');
  assert.deepEqual(parseNvidiaSmiCsv(text), {
    gpus: [gpu(0, 'GPU-b1e4d7a2-6c93-f0e8-5a2d-c7f3b9e16d04', 'NVIDIA GeForce RTX 4070', 12282, 10941, 7, '552.22', '8.9')],
    badLines: [],
  });
});

test('trailing blanks, blank lines, [Not Supported], bare N/A and an unknown uuid', () => {
  const { gpus, badLines } = parseNvidiaSmiCsv(fixture('synthetic-edge-cases.csv'));
  assert.deepEqual(badLines, []);
  assert.deepEqual(gpus, [
    gpu(0, 'GPU-4a7e2c9b-d1f5-83e6-b0c4-9f2e6a1d7b53', 'NVIDIA GeForce GTX 1080 Ti', 11264, 11080, undefined, '535.183.01', '6.1'),
    gpu(1, undefined, 'NVIDIA RTX 6000 Ada Generation', 49140, undefined, undefined, '535.183.01'),
  ]);
});

test('output captured with units or a header still parses; other lines are reported, not guessed at', () => {
  const withUnits = 'index, uuid, name, memory.total [MiB], memory.free [MiB], utilization.gpu [%], driver_version, compute_cap\n0, GPU-x, Tesla T4, 15360 MiB, 15000 MiB, 35 %, 580.95.05, 7.5\n';
  assert.deepEqual(parseNvidiaSmiCsv(withUnits), { gpus: [gpu(0, 'GPU-x', 'Tesla T4', 15360, 15000, 35, '580.95.05', '7.5')], badLines: [] });
  assert.deepEqual(parseNvidiaSmiCsv('garbage\nx, GPU-x, T4, 1, 1, 1, 1\n0, a, b\n'), {
    gpus: [],
    badLines: ['garbage', 'x, GPU-x, T4, 1, 1, 1, 1', '0, a, b'],
  });
  assert.deepEqual(parseNvidiaSmiCsv(''), { gpus: [], badLines: [] });
});

// --- queryGpus with a scripted nvidia-smi ---

interface Call {
  args: readonly string[];
}

/** A fake nvidia-smi: answers in turn, and records what it was asked. */
function scripted(...answers: Array<Partial<CommandResult>>): { run: RunCommand; calls: Call[] } {
  const calls: Call[] = [];
  const run: RunCommand = (cmd, args) => {
    assert.equal(cmd, 'nvidia-smi');
    calls.push({ args });
    const a = answers[calls.length - 1];
    assert.ok(a, `nvidia-smi was run ${calls.length} times`);
    return { status: 0, stdout: '', stderr: '', ...a };
  };
  return { run, calls };
}

function enoent(): Error & { code: string } {
  return Object.assign(new Error('spawnSync nvidia-smi ENOENT'), { code: 'ENOENT' });
}

test('the query asks for the eight fields, CSV without header or units', () => {
  const { run, calls } = scripted({ stdout: fixture('535.129.03-quadro-rtx4000-x2.csv') });
  const r = queryGpus(run);
  assert.equal(r.gpus.length, 2);
  assert.equal(r.problem, undefined);
  assert.deepEqual(calls.map((c) => c.args), [
    ['--query-gpu=index,uuid,name,memory.total,memory.free,utilization.gpu,driver_version,compute_cap', '--format=csv,noheader,nounits'],
  ]);
  assert.deepEqual(nvidiaSmiArgs(QUERY_FIELDS_WITHOUT_COMPUTE_CAP)[0], `--query-gpu=${QUERY_FIELDS.slice(0, 7).join(',')}`);
});

for (const stream of ['stdout', 'stderr'] as const) {
  test(`an older driver rejecting compute_cap (on ${stream}) is asked again without it`, () => {
    const { run, calls } = scripted(
      { status: 2, [stream]: fixture('470.182.03-rejects-compute-cap.txt') },
      { stdout: fixture('470.182.03-t4-without-compute-cap.csv') },
    );
    const r = queryGpus(run);
    assert.deepEqual(r, { gpus: [gpu(0, 'GPU-7d3a9e1c-b6f2-4085-c1d9-e2a7f04b8c36', 'Tesla T4', 15109, 14914, 0, '470.182.03')] });
    assert.equal(calls.length, 2);
    assert.ok(!calls[1]!.args[0]!.includes('compute_cap'));
  });
}

test('nvidia-smi not installed: no GPUs, and only that said', () => {
  const { run, calls } = scripted({ status: null, error: enoent() });
  assert.deepEqual(queryGpus(run), { gpus: [], problem: 'nvidia-smi not found' });
  assert.equal(calls.length, 1);
});

test('the driver cannot be reached: no GPUs, nvidia-smi’s own words kept', () => {
  const { run } = scripted({ status: 9, stdout: fixture('driver-not-loaded.txt') });
  assert.deepEqual(queryGpus(run), {
    gpus: [],
    problem:
      "nvidia-smi failed (exit status 9): NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running.",
  });
});

test('a driver/library mismatch: the two lines become one problem text', () => {
  const { run } = scripted({ status: 18, stdout: fixture('version-mismatch.txt') });
  assert.deepEqual(queryGpus(run), {
    gpus: [],
    problem: 'nvidia-smi failed (exit status 18): Failed to initialize NVML: Driver/library version mismatch NVML library version: 535.161',
  });
});

test('"No devices were found": no GPUs, whatever the exit status', () => {
  for (const status of [6, 0]) {
    const { run } = scripted({ status, stdout: fixture('no-devices.txt') });
    assert.deepEqual(queryGpus(run), { gpus: [], problem: 'nvidia-smi: No devices were found' });
  }
});

test('a hanging or unstartable nvidia-smi is a problem, not an exception', () => {
  const timeout = Object.assign(new Error('spawnSync nvidia-smi ETIMEDOUT'), { code: 'ETIMEDOUT' });
  assert.deepEqual(queryGpus(scripted({ status: null, error: timeout }).run), { gpus: [], problem: 'nvidia-smi did not answer within 15 s' });
  const eacces = Object.assign(new Error('spawnSync nvidia-smi EACCES'), { code: 'EACCES' });
  assert.deepEqual(queryGpus(scripted({ status: null, error: eacces }).run), { gpus: [], problem: 'nvidia-smi could not be run: spawnSync nvidia-smi EACCES' });
  assert.deepEqual(queryGpus(scripted({ status: 1 }).run), { gpus: [], problem: 'nvidia-smi failed (exit status 1)' });
});

test('lines that are not GPU records are named in the problem, and the good ones kept', () => {
  const { run } = scripted({ stdout: `${fixture('470.182.03-t4-without-compute-cap.csv')}WARNING: infoROM is corrupted at gpu 0000:00:1E.0\n` });
  const r = queryGpus(run);
  assert.equal(r.gpus.length, 1);
  assert.equal(r.problem, 'nvidia-smi printed 1 line dlc could not read: "WARNING: infoROM is corrupted at gpu 0000:00:1E.0"');
});

test('the real nvidia-smi on this machine: whatever it says, queryGpus answers without throwing', () => {
  const r = queryGpus();
  assert.ok(Array.isArray(r.gpus));
  if (r.gpus.length === 0) assert.equal(typeof r.problem, 'string');
});
