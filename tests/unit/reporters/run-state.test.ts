import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunEvent } from '../../../runtime/events/types.js';
import { focusTrainNode, metricNames, rankTrials } from '../../../runtime/reporters/view/leaderboard.js';
import { outlineOf } from '../../../runtime/reporters/view/plan-outline.js';
import { nodeProgress, progressBar } from '../../../runtime/reporters/view/progress.js';
import { initialRunState, LOG_LIMIT, reduceRun, runStateOf } from '../../../runtime/reporters/view/run-state.js';
import { sparkline } from '../../../runtime/reporters/view/sparkline.js';
import { laneCells, lanesOf, windowOf } from '../../../runtime/reporters/view/timeline.js';
import { fixtureEvents, fixturePlan, T0 } from './run-fixture.js';

const outline = outlineOf(fixturePlan());

test('the outline knows every step before it starts, and how much a train step will do', () => {
  const state = initialRunState(outline);
  assert.deepEqual(
    state.nodes.map((n) => [n.id, n.wave, n.status]),
    [
      ['fashion_train', 0, 'pending'],
      ['fashion_test', 0, 'pending'],
      ['scaled', 1, 'pending'],
      ['scaled_test', 1, 'pending'],
      ['split', 2, 'pending'],
      ['search', 3, 'pending'],
      ['test_metrics', 4, 'pending'],
      ['publish', 4, 'pending'],
    ],
  );
  const search = outline.nodes.find((n) => n.id === 'search')!;
  assert.deepEqual(search.training, { configurations: 4, epochs: 3, strategy: 'hopper', partitions: 2, objective: { metric: 'val_accuracy', mode: 'max' }, params: ['units', 'lr'] });
});

test('the reducer never changes the state it is given', () => {
  const events = fixtureEvents();
  let state = initialRunState(outline);
  for (const e of events) {
    const before = JSON.stringify(state);
    const next = reduceRun(state, e);
    assert.equal(JSON.stringify(state), before, `${e.type} changed its input`);
    state = next;
  }
});

test('a finished run: steps, trials ranked by the objective, units per worker, outcome', () => {
  const state = runStateOf(fixtureEvents(), outline);
  assert.ok(state.nodes.every((n) => n.status === 'completed'));
  assert.equal(state.nodes.find((n) => n.id === 'split')!.rows!.validation, 599);
  assert.equal(state.finished?.status, 'completed');
  const ranked = rankTrials(state, 'search');
  assert.deepEqual(
    ranked.map((r) => r.trial.trial),
    [3, 2, 1, 0],
  );
  assert.equal(ranked[0]!.best, true);
  assert.equal(ranked[0]!.value, state.finished!.best!.objective);
  assert.equal(ranked[0]!.trial.epochs.length, 3);
  assert.equal(ranked[0]!.trial.unitsDone, 6);
  assert.deepEqual(metricNames(state, 'search'), ['val_accuracy', 'accuracy', 'loss', 'val_loss']);
  const lanes = lanesOf(state, 'search');
  assert.deepEqual(
    lanes.map((l) => [l.worker, l.units.length]),
    [
      ['w0', 12],
      ['w1', 12],
    ],
  );
  // Partitions stay on their worker; trials move between them.
  assert.ok(lanes[0]!.units.every((u) => u.partition === 0));
  assert.deepEqual(new Set(lanes[0]!.units.map((u) => u.trial)), new Set([0, 1, 2, 3]));
  assert.ok(state.workers.every((w) => !w.up && w.reason === 'exited'));
  assert.ok(state.log.some((l) => /trial 3 finished: val_accuracy/.test(l.message)));
});

test('mid-run: the train step counts units against trials × epochs × partitions, with a time left', () => {
  const all = fixtureEvents();
  const cut = all.findIndex((e) => e.type === 'epoch_finished' && e.trial === 3);
  const state = runStateOf(all.slice(0, cut + 1), outline);
  const search = state.nodes.find((n) => n.id === 'search')!;
  assert.equal(search.status, 'running');
  assert.equal(focusTrainNode(state), 'search');
  const now = state.lastAt + 500;
  const p = nodeProgress(state, search, now)!;
  assert.equal(p.total, 4 * 3 * 2);
  assert.equal(p.done, 8);
  assert.equal(p.unit, 'units');
  assert.ok(p.etaSeconds !== null && p.etaSeconds > 0);
  // At the pace so far: 16 units left take twice the time the first 8 did.
  assert.ok(Math.abs(p.etaSeconds! - 2 * p.elapsedSeconds) < 1e-9, `${p.etaSeconds} vs ${p.elapsedSeconds}`);
  assert.equal(rankTrials(state, 'search')[0]!.trial.trial, 3);
});

test('a failed trial leaves the total and sinks to the bottom of the leaderboard', () => {
  const state = runStateOf(fixtureEvents({ failing: [3] }), outline);
  const ranked = rankTrials(state, 'search');
  assert.equal(ranked.at(-1)!.trial.trial, 3);
  assert.equal(ranked.at(-1)!.trial.status, 'failed');
  assert.equal(ranked.at(-1)!.value, null);
  const search = state.nodes.find((n) => n.id === 'search')!;
  const p = nodeProgress(state, search, state.lastAt)!;
  assert.equal(p.total, p.done);
  assert.equal(p.done, 3 * 3 * 2);
  assert.ok(state.log.some((l) => l.level === 'error' && /NaN loss/.test(l.message)));
});

test('node_progress gives other steps a bar; an unknown event type is ignored', () => {
  const events = fixtureEvents();
  const i = events.findIndex((e) => e.type === 'node_progress');
  const state = runStateOf(events.slice(0, i + 1), outline);
  const scaled = state.nodes.find((n) => n.id === 'scaled')!;
  const p = nodeProgress(state, scaled, state.lastAt)!;
  assert.deepEqual([p.done, p.total], [3000, 6000]);
  assert.ok(Math.abs(p.etaSeconds! - 0.1) < 1e-9);
  const unknown = { type: 'gpu_temperature', time: new Date(T0).toISOString(), celsius: 80 } as unknown as RunEvent;
  assert.deepEqual(reduceRun(state, unknown).nodes, state.nodes);
});

test('a resumed run: units in flight when it stopped count as lost, the new session keeps counting', () => {
  const all = fixtureEvents();
  const cut = all.findIndex((e) => e.type === 'unit_started' && e.seq === 9);
  const first = all.slice(0, cut + 1);
  const resume: RunEvent = { ...(all[0] as Extract<RunEvent, { type: 'run_started' }>), time: new Date(T0 + 60_000).toISOString(), resumed: true };
  const state = runStateOf([...first, resume], outline);
  assert.equal(state.run!.resumed, true);
  assert.equal(state.run!.firstStartedAt, T0);
  assert.equal(state.units.find((u) => u.seq === 9)!.status, 'lost');
  assert.ok(state.units.every((u) => u.earlier));
  assert.equal(state.workers.length, 0);
});

test('without a plan, steps appear as they start, one wave after another', () => {
  const state = runStateOf(fixtureEvents());
  assert.deepEqual(state.nodes.slice(0, 3).map((n) => [n.id, n.wave]), [
    ['fashion_train', 0],
    ['fashion_test', 1],
    ['scaled', 2],
  ]);
  assert.deepEqual(state.objectives.search, { metric: 'val_accuracy', mode: 'max' });
});

test('the log keeps the latest lines only', () => {
  let state = initialRunState();
  for (let i = 0; i < LOG_LIMIT + 10; i++) state = reduceRun(state, { type: 'log', level: 'info', message: `m${i}`, time: new Date(T0 + i).toISOString() });
  assert.equal(state.log.length, LOG_LIMIT);
  assert.equal(state.log[0]!.message, 'm10');
});

test('sparklines share a scale; bars fill by eighths; lanes sample time onto columns', () => {
  assert.equal(sparkline([0, 0.5, 1], 0, 1), '▁▅█');
  assert.equal(sparkline([0.5, null], 0, 1), '▅ ');
  assert.equal(sparkline([2, 2], 2, 2), '▅▅');
  assert.deepEqual(progressBar(0.5, 4), { filled: '██', empty: '░░' });
  assert.deepEqual(progressBar(1 / 16, 2), { filled: '▏', empty: '░' });
  assert.deepEqual(progressBar(1, 3), { filled: '███', empty: '' });
  const state = runStateOf(fixtureEvents(), outline);
  const lanes = lanesOf(state, 'search');
  const window = windowOf(lanes, state.lastAt)!;
  const cells = laneCells(lanes[0]!, window, 24, state.lastAt);
  assert.equal(cells.length, 24);
  assert.equal(cells[0]!.trial, 0);
  // Every trial shows up on the lane at this resolution.
  assert.deepEqual(new Set(cells.filter((c) => c !== null).map((c) => c!.trial)), new Set([0, 1, 2, 3]));
});

test('a stop: the train step shows as stopped, not failed; its trials pause until a resume', () => {
  const all = fixtureEvents();
  const cut = all.findIndex((e) => e.type === 'unit_started' && e.seq === 9);
  const time = (ms: number) => new Date(T0 + ms).toISOString();
  const stoppedRun: RunEvent[] = [
    ...all.slice(0, cut + 1),
    { type: 'node_finished', node: 'search', op: 'train', status: 'failed', seconds: 5, error: 'interrupted', time: time(30_000) },
    { type: 'run_finished', status: 'interrupted', run_dir: '/runs/x', seconds: 30, best: null, bytes_moved: 0, time: time(30_001) },
  ];
  const state = runStateOf(stoppedRun, outline);
  assert.equal(state.nodes.find((n) => n.id === 'search')!.status, 'stopped');
  assert.ok(state.trials.every((t) => t.status === 'paused'));
  assert.ok(!state.log.some((l) => l.level === 'error'), 'a stop is not an error');
  const resumed = reduceRun(state, { ...(all[0] as Extract<RunEvent, { type: 'run_started' }>), resumed: true, time: time(60_000) });
  assert.ok(resumed.trials.every((t) => t.status === 'running'));
  assert.equal(resumed.finished, undefined);
});

test('a group unit (data parallelism) is drawn on every member worker\'s lane, not only the first', () => {
  const at = (s: number) => new Date(T0 + s * 1000).toISOString();
  const events: RunEvent[] = [
    { type: 'worker_up', time: at(0), worker: 'w0', pid: 1, backend: 'wasm', device: 'cpu' },
    { type: 'worker_up', time: at(0), worker: 'w1', pid: 2, backend: 'wasm', device: 'cpu' },
    { type: 'unit_started', time: at(1), node: 'search', trial: 0, epoch: 0, partition: 'all', worker: 'w0', workers: ['w0', 'w1'], seq: 0 },
    { type: 'unit_finished', time: at(3), node: 'search', trial: 0, epoch: 0, partition: 'all', worker: 'w0', workers: ['w0', 'w1'], seq: 0, status: 'completed', seconds: 2 },
  ] as RunEvent[];
  const state = runStateOf(events);
  const lanes = lanesOf(state, 'search');
  assert.deepEqual(lanes.map((l) => [l.worker, l.units.map((u) => u.seq)]), [['w0', [0]], ['w1', [0]]]);
});
