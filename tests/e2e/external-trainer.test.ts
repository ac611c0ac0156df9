import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { ROOT } from '../helpers.js';
import type { RunEvent, RunFinished } from '../../runtime/events/types.js';
import { checkHopperInvariants, startRun, writeSpec } from './run-fixture.js';

const PYTHON = '/usr/bin/python3';
const hasTorch = spawnSync(PYTHON, ['-c', 'import torch, numpy'], { encoding: 'utf8' }).status === 0;
const skip = hasTorch ? false : `${PYTHON} cannot import torch and numpy (Debian package python3-torch)`;

/** The e2e spec with its layers model replaced by an external command (`model` adds keys beside it). */
function commandSpec(command: string[], extra: Partial<Parameters<typeof writeSpec>[0]> = {}, model: Record<string, unknown> = {}): string {
  const spec = writeSpec({ epochs: 1, ...extra });
  const keys = Object.entries(model).map(([k, v]) => `      ${k}: ${JSON.stringify(v)}\n`).join('');
  const text = readFileSync(spec, 'utf8').replace(/    model:\n      input_shape: \[28, 28\]\n      layers:\n(        - .*\n)+/, `    model:\n      command: ${JSON.stringify(command)}\n${keys}`);
  writeFileSync(spec, text);
  return spec;
}

test('a PyTorch trainer under model hopping on 2 workers: every unit once, checkpoints hop, the best model exported', { skip }, async () => {
  const spec = commandSpec([PYTHON, join(ROOT, 'specs', 'trainers', 'torch_mlp.py')], { epochs: 2 });
  const run = startRun([spec, '--run-dir', join(dirname(spec), 'run')]);
  assert.equal(await run.done, 0, run.stderr());
  checkHopperInvariants(run.events, 2, 2, 2);
  const workers = new Set(run.events.flatMap((e) => (e.type === 'unit_started' ? [e.worker] : [])));
  assert.deepEqual([...workers].sort(), ['w0', 'w1']);
  // A trial's second unit continued from the checkpoint its first unit wrote (bytes read > 0).
  assert.ok(run.events.some((e) => e.type === 'unit_finished' && e.status === 'completed' && (e.bytes_moved ?? 0) > 0));
  const finished = run.events.at(-1) as RunFinished;
  assert.equal(finished.status, 'completed');
  assert.ok(existsSync(join(finished.run_dir, 'best-model', 'model.pt')));
  const evaluation = JSON.parse(readFileSync(join(finished.run_dir, 'evaluations', 'test_metrics.json'), 'utf8')) as { metrics: { accuracy: number } };
  assert.ok(evaluation.metrics.accuracy > 0.6, `accuracy ${evaluation.metrics.accuracy}`);
});

test('a trainer that fails: the unit fails with its stderr, the trial is given up, the run says why', async () => {
  const script = join(dirname(writeSpec()), 'broken.js');
  writeFileSync(script, "process.stdin.resume(); process.stdin.on('end', () => { console.error('CUDA out of memory (pretend)'); process.exit(3); });\n");
  const spec = commandSpec([process.execPath, script], { units: [16] });
  const run = startRun([spec, '--run-dir', join(dirname(spec), 'run')]);
  assert.equal(await run.done, 1);
  const failed = run.events.find((e) => e.type === 'unit_finished' && e.status === 'failed');
  assert.ok(failed && failed.type === 'unit_finished');
  assert.match(failed.error ?? '', /exited with status 3[\s\S]*CUDA out of memory \(pretend\)/);
  const finished = run.events.at(-1) as RunFinished;
  assert.equal(finished.status, 'failed');
  assert.match(finished.error ?? '', /every trial failed/);
  assert.doesNotMatch(finished.error ?? '', /\n\s+at /);
});

test('a trainer that breaks the protocol (prints text on stdout, no result line) is reported as such', async () => {
  const script = join(dirname(writeSpec()), 'chatty.js');
  writeFileSync(script, "process.stdin.resume(); process.stdin.on('end', () => { console.log('epoch 1 done'); });\n");
  const spec = commandSpec([process.execPath, script], { units: [16] });
  const run = startRun([spec, '--run-dir', join(dirname(spec), 'run')]);
  assert.equal(await run.done, 1);
  const failed = run.events.find((e) => e.type === 'unit_finished' && e.status === 'failed');
  assert.ok(failed && failed.type === 'unit_finished');
  assert.match(failed.error ?? '', /not JSON on stdout \(use stderr for logs\): epoch 1 done/);
});

/** Final metrics of every trial, by trial. */
const finals = (events: readonly RunEvent[]) => Object.fromEntries(events.flatMap((e) => (e.type === 'trial_finished' ? [[e.trial, e.metrics]] : [])));

test('a persistent PyTorch trainer (one process per worker) trains exactly what the per-unit trainer trains', { skip }, async () => {
  const command = [PYTHON, join(ROOT, 'specs', 'trainers', 'torch_mlp.py')];
  const perUnit = commandSpec(command, { epochs: 2 });
  const persistent = commandSpec(command, { epochs: 2 }, { persistent: true });
  const a = startRun([perUnit, '--run-dir', join(dirname(perUnit), 'run')]);
  assert.equal(await a.done, 0, a.stderr());
  const b = startRun([persistent, '--run-dir', join(dirname(persistent), 'run')]);
  assert.equal(await b.done, 0, b.stderr());
  checkHopperInvariants(b.events, 2, 2, 2);
  assert.deepEqual(finals(b.events), finals(a.events));
});

/** A trainer in plain Node that logs each process start and answers requests without learning anything. */
function fakePersistentTrainer(dir: string, behaviour = ''): string {
  const script = join(dir, 'fake-trainer.cjs');
  writeFileSync(
    script,
    `const fs = require('fs');
fs.appendFileSync(process.env.TRAINER_LOG, JSON.stringify({ pid: process.pid, cwd: process.cwd(), mode: process.env.DLC_TRAINER_MODE, colour: process.env.COLOUR }) + '\\n');
let served = 0;
const out = (m) => process.stdout.write(JSON.stringify(m) + '\\n');
require('readline').createInterface({ input: process.stdin }).on('line', (line) => {
  const req = JSON.parse(line);
  served++;
  ${behaviour}
  if (req.task === 'train') {
    fs.writeFileSync(req.checkpoint_out, 'state');
    out({ type: 'result', metrics: { loss: 1 / (req.epoch + 1) }, ...(req.validation ? { validation: { loss: 0.5, accuracy: 0.5 + 0.01 * req.trial } } : {}), examples: 10 });
  } else if (req.task === 'evaluate') out({ type: 'result', metrics: { loss: 0.5, accuracy: 0.5 }, examples: 10 });
  else { fs.mkdirSync(req.dir, { recursive: true }); fs.writeFileSync(req.dir + '/model.bin', 'm'); out({ type: 'result', files: [req.dir + '/model.bin'] }); }
});
`,
  );
  return script;
}

test('persistent: one trainer process per worker serves every unit, in the model\'s workdir with the model\'s env', async () => {
  const dir = dirname(writeSpec());
  const script = fakePersistentTrainer(dir);
  const log = join(dir, 'starts.ndjson');
  const workdir = join(dir, 'trainer-home');
  mkdirSync(workdir);
  const spec = commandSpec([process.execPath, script], { epochs: 2 }, { persistent: true, workdir, env: { TRAINER_LOG: log, COLOUR: 'teal' } });
  const run = startRun([spec, '--run-dir', join(dirname(spec), 'run')]);
  assert.equal(await run.done, 0, run.stderr());
  checkHopperInvariants(run.events, 2, 2, 2);
  const starts = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { pid: number; cwd: string; mode: string; colour: string });
  // One process per worker that trained (the driver's evaluate/export run on a worker too: no extra starts).
  assert.equal(new Set(starts.map((s) => s.pid)).size, 2, JSON.stringify(starts));
  for (const s of starts) assert.deepEqual({ cwd: s.cwd, mode: s.mode, colour: s.colour }, { cwd: workdir, mode: 'persistent', colour: 'teal' });
});

test('persistent: a request the trainer reports as failed fails that unit with its message; a trainer that dies says so', async () => {
  const dir = dirname(writeSpec());
  const failing = fakePersistentTrainer(dir, "if (req.task === 'train') { out({ type: 'error', message: 'ValueError: lr too high (pretend)' }); return; }");
  const spec = commandSpec([process.execPath, failing], { units: [16] }, { persistent: true, env: { TRAINER_LOG: join(dir, 'a.ndjson') } });
  const run = startRun([spec, '--run-dir', join(dirname(spec), 'run')]);
  assert.equal(await run.done, 1);
  const failed = run.events.find((e) => e.type === 'unit_finished' && e.status === 'failed');
  assert.ok(failed && failed.type === 'unit_finished');
  assert.match(failed.error ?? '', /failed the request: ValueError: lr too high \(pretend\)/);

  const dir2 = dirname(writeSpec());
  const dying = fakePersistentTrainer(dir2, "if (req.task === 'train') { console.error('Segmentation fault (pretend)'); process.exit(139); }");
  const spec2 = commandSpec([process.execPath, dying], { units: [16] }, { persistent: true, env: { TRAINER_LOG: join(dir2, 'b.ndjson') } });
  const run2 = startRun([spec2, '--run-dir', join(dirname(spec2), 'run')]);
  assert.equal(await run2.done, 1);
  const failed2 = run2.events.find((e) => e.type === 'unit_finished' && e.status === 'failed');
  assert.ok(failed2 && failed2.type === 'unit_finished');
  assert.match(failed2.error ?? '', /exited with status 139 while serving requests[\s\S]*Segmentation fault \(pretend\)/);
  const finished = run2.events.at(-1) as RunFinished;
  assert.doesNotMatch(finished.error ?? '', /\n\s+at /);
});
