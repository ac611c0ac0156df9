import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { ROOT } from '../helpers.js';
import type { RunFinished } from '../../runtime/events/types.js';
import { checkHopperInvariants, startRun, writeSpec } from './run-fixture.js';

const PYTHON = '/usr/bin/python3';
const hasTorch = spawnSync(PYTHON, ['-c', 'import torch, numpy'], { encoding: 'utf8' }).status === 0;
const skip = hasTorch ? false : `${PYTHON} cannot import torch and numpy (Debian package python3-torch)`;

/** The e2e spec with its layers model replaced by an external command. */
function commandSpec(command: string[], extra: Partial<Parameters<typeof writeSpec>[0]> = {}): string {
  const spec = writeSpec({ epochs: 1, ...extra });
  const text = readFileSync(spec, 'utf8').replace(/    model:\n      input_shape: \[28, 28\]\n      layers:\n(        - .*\n)+/, `    model:\n      command: ${JSON.stringify(command)}\n`);
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
