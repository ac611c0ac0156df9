import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { CONSTANT_NAMES, DEFAULT_CONSTANTS, profileFromMeasurements } from '../../../compiler/cost/constants.js';
import { calibrationPath, machineProfile, readCalibration, writeCalibration, type CalibrationFile } from '../../../runtime/calibrate/cache.js';
import { calibrate, measureHash, measureRead, measureSend, measureSort, ROW_BYTES } from '../../../runtime/calibrate/measure.js';
import { measureSyncStep } from '../../../runtime/calibrate/sync-step.js';
import { broadcastBuild } from '../../../runtime/relational/join/build-rate.js';
import { tableFromArrays } from 'apache-arrow';
import { ROOT, runCli, scratchDir } from '../../helpers.js';

const dir = scratchDir('dlc-calibrate-test-');
after(() => rmSync(dir, { recursive: true, force: true }));

const file = (constants: Partial<CalibrationFile['constants']>): CalibrationFile => ({
  dlc_calibration: 1,
  measured_at: '2025-06-01T12:00:00.000Z',
  machine: { cpu: 'test', cores: 2, memory_bytes: 2 ** 33, platform: 'linux-x64', node: 'v20' },
  constants: constants as CalibrationFile['constants'],
  details: {},
});

test('the cache lives under XDG_CACHE_HOME, else ~/.cache; nowhere without either', () => {
  assert.equal(calibrationPath({ XDG_CACHE_HOME: '/c', HOME: '/h' }), '/c/dlc/calibration.json');
  assert.equal(calibrationPath({ HOME: '/h' }), '/h/.cache/dlc/calibration.json');
  assert.equal(calibrationPath({}), undefined);
});

test('a cached calibration round-trips; a damaged or foreign file is ignored', () => {
  const path = join(dir, 'a', 'dlc', 'calibration.json');
  writeCalibration(path, file({ sort_bytes_per_s: 3e7 }));
  assert.equal(readCalibration(path)?.constants.sort_bytes_per_s, 3e7);
  writeFileSync(path, '{ not json');
  assert.equal(readCalibration(path), undefined);
  writeFileSync(path, JSON.stringify({ dlc_calibration: 99, constants: {} }));
  assert.equal(readCalibration(path), undefined);
  assert.equal(readCalibration(join(dir, 'missing.json')), undefined);
});

test('the planner\'s profile: measured constants from the cache, defaults for the rest, each labelled', () => {
  const path = join(dir, 'b', 'dlc', 'calibration.json');
  writeCalibration(path, file({ sort_bytes_per_s: 3e7, hash_bytes_per_s: -1 }));
  const p = machineProfile({ XDG_CACHE_HOME: join(dir, 'b') }, 123);
  assert.equal(p.constants.sort_bytes_per_s, 3e7);
  assert.equal(p.from.sort_bytes_per_s, 'calibration');
  assert.equal(p.constants.hash_bytes_per_s, DEFAULT_CONSTANTS.hash_bytes_per_s, 'a nonsense value is not trusted');
  assert.equal(p.from.hash_bytes_per_s, 'default');
  assert.equal(p.calibrated_at, '2025-06-01T12:00:00.000Z');
  assert.equal(p.memory_bytes, 123);
  const none = machineProfile({});
  assert.ok(CONSTANT_NAMES.every((n) => none.from[n] === 'default'));
  assert.deepEqual(profileFromMeasurements({ read_bytes_per_s: Number.NaN }).constants, DEFAULT_CONSTANTS);
});

test('each measurement gives a positive rate on a small table', async () => {
  for (const m of [measureRead(20_000, 1), measureSort(20_000, 1), measureHash(20_000, 1).hash, await measureSend(1 << 20, 1)]) {
    assert.ok(Number.isFinite(m.value) && m.value > 0, `${m.detail}: ${m.value}`);
  }
  const index = measureHash(50_000, 1).index;
  assert.ok(Number.isNaN(index.value) || (index.value > 4 && index.value < 1000), `index bytes per row: ${index.value}`);
  const all = await calibrate({ rows: 20_000, rounds: 1, skipTraining: true, syncSteps: 20 });
  assert.deepEqual(Object.keys(all.constants).filter((k) => k !== 'hash_index_bytes_per_row').sort(), ['hash_bytes_per_s', 'read_bytes_per_s', 'send_bytes_per_s', 'sort_bytes_per_s', 'sync_step_s']);
  assert.equal(all.constants.train_flops_per_s, undefined);
});

test('a synchronous step between two processes costs something beyond its work, and less than a second', async () => {
  const m = await measureSyncStep(30, 2);
  assert.ok(m.seconds > 0 && m.seconds < 1, `sync ${m.seconds} s`);
  assert.ok(m.workSeconds > 0, `work ${m.workSeconds} s`);
});

test('the hash rate is the join runtime\'s: its tables over every byte of a broadcast build side, large ones in cache-sized parts', () => {
  for (const rows of [1_000, 200_000]) {
    const build = tableFromArrays({ key: BigInt64Array.from({ length: rows }, (_, i) => BigInt(i % 1000)), a: new Float64Array(rows), b: new Float64Array(rows) });
    const built = broadcastBuild(tableFromArrays({ key: new BigInt64Array(0) }), build, 'key');
    assert.equal(built.bytes, rows * ROW_BYTES, 'the rate is per byte of the build side as the join holds it');
    built.run();
  }
  assert.match(measureHash(20_000, 1).hash.detail, /join runtime's hash tables/);
});

test('dlc calibrate --print shows the defaults, and dlc plan names calibrated constants as such', () => {
  const cache = join(dir, 'cli');
  const none = runCli(['calibrate', '--print'], { env: { XDG_CACHE_HOME: cache } });
  assert.equal(none.status, 0, none.stderr);
  assert.match(none.stdout, /no calibration cached at .*calibration\.json: the planner uses the defaults/);
  assert.match(none.stdout, /sort_bytes_per_s +191 MiB\/s \(default\)/);
  assert.match(none.stdout, /sync_step_s +5 ms \(default\)/);
  mkdirSync(join(cache, 'dlc'), { recursive: true });
  writeCalibration(join(cache, 'dlc', 'calibration.json'), file({ sort_bytes_per_s: 5e6, train_flops_per_s: 2e10 }));
  const shown = runCli(['calibrate', '--print'], { env: { XDG_CACHE_HOME: cache } });
  assert.match(shown.stdout, /calibration of 2025-06-01T12:00:00.000Z/);
  assert.match(shown.stdout, /sort_bytes_per_s +4\.77 MiB\/s/);
  const json = runCli(['plan', join(ROOT, 'specs', 'tabular-join.yaml'), '--json'], { env: { XDG_CACHE_HOME: cache } });
  assert.equal(json.status, 0, json.stderr);
  const plan = JSON.parse(json.stdout) as { nodes: { id: string; strategy?: string; decision?: { inputs: Record<string, { value: unknown; from: string }> } }[] };
  const join_ = plan.nodes.find((n) => n.id === 'enriched')!;
  assert.equal(typeof join_.strategy, 'string');
  assert.deepEqual(join_.decision!.inputs['sort_bytes_per_s'], { value: 5e6, unit: 'B/s', from: 'calibration', note: 'dlc calibrate, 2025-06-01T12:00:00.000Z' });
  assert.equal(join_.decision!.inputs['hash_bytes_per_s']!.from, 'default');
  const train = plan.nodes.find((n) => n.id === 'classifier')!;
  assert.equal(train.decision!.inputs['train_flops_per_s']!.from, 'calibration');
});

test('dlc calibrate measures and caches every constant', () => {
  const cache = join(dir, 'run');
  const r = runCli(['calibrate'], { env: { XDG_CACHE_HOME: cache }, timeoutMs: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  const cached = JSON.parse(readFileSync(join(cache, 'dlc', 'calibration.json'), 'utf8')) as CalibrationFile;
  for (const name of ['read_bytes_per_s', 'sort_bytes_per_s', 'hash_bytes_per_s', 'send_bytes_per_s', 'train_flops_per_s'] as const) {
    assert.ok(cached.constants[name] > 0, name);
    assert.ok(cached.details[name], `${name} says how it was measured`);
  }
  assert.match(r.stdout, /^cached in /);
});
