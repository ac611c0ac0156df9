import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { stripVTControlCharacters } from 'node:util';
import { cleanup, render } from 'ink-testing-library';
import type { RunEvent } from '../../../runtime/events/types.js';
import { layoutFor } from '../../../runtime/reporters/tui/layout.js';
import { LiveApp, type RunStore } from '../../../runtime/reporters/tui/live-app.js';
import { RunScreen } from '../../../runtime/reporters/tui/run-screen.js';
import { outlineOf } from '../../../runtime/reporters/view/plan-outline.js';
import { initialRunState, reduceRun, runStateOf, type RunState } from '../../../runtime/reporters/view/run-state.js';
import { fixtureEvents, fixturePlan } from './run-fixture.js';

afterEach(() => cleanup());

const outline = outlineOf(fixturePlan());
const screen = (frame: string | undefined): string[] => stripVTControlCharacters(frame ?? '').split('\n');
const midRun = (): RunState => {
  const all = fixtureEvents();
  return runStateOf(all.slice(0, all.findIndex((e) => e.type === 'epoch_finished' && e.trial === 3) + 3), outline);
};

function assertFits(lines: string[], columns: number, rows: number): void {
  assert.ok(lines.length <= rows - 1, `${lines.length} lines on a screen of ${rows}:\n${lines.join('\n')}`);
  for (const l of lines) assert.ok([...l].length <= columns - 1, `line wider than ${columns - 1}: ${JSON.stringify(l)}`);
}

test('100×30 mid-run: run, workers, steps by wave with a progress bar, leaderboard, timeline, log', () => {
  const state = midRun();
  const { lastFrame } = render(<RunScreen state={state} now={state.lastAt + 200} columns={100} rows={30} color={false} />);
  const lines = screen(lastFrame());
  const text = lines.join('\n');
  assertFits(lines, 100, 30);
  assert.match(lines[0]!, /^dlc run quickstart {2}20260301-100000-quickstart {2}running \d+:\d\d +\? help {2}q stop$/);
  assert.match(lines[1]!, /^workers w0 wasm on cpu {2}w1 wasm on cpu$/);
  assert.match(text, /─ steps ─+ 5\/8 done/);
  assert.match(text, /✓ fashion_train 0\.0s {3}✓ fashion_test 0\.0s/);
  assert.match(text, /^▶ search [█▏▎▍▌▋▊▉]+░+ 8\/24 units 33% · 0:\d\d · ETA 0:\d\d$/m);
  assert.match(text, /· test_metrics +· publish/);
  // The leaderboard: best first, with its parameters, epochs, status, objective and learning curve.
  const header = lines.find((l) => /# +units +lr +epoch +status +val_accuracy +curve/.test(l));
  assert.ok(header, text);
  const rows = lines.slice(lines.indexOf(header) + 1, lines.indexOf(header) + 5);
  assert.match(rows[0]!, /^★ +3 +128 +0\.003 +1\/3 +running +0\.\d{4} +[▁-█]/);
  assert.deepEqual(
    rows.map((r) => Number(/^.\s+(\d+)/.exec(r)![1])),
    [3, 2, 1, 0],
  );
  // One lane per worker saying what it does now, its past as trial marks.
  assert.match(text, /─ workers · units over time ─+ marks: trial \(p toggles\)/);
  assert.match(text, /^w0 +t\d p0 e2 +│[0-3·]+$/m);
  assert.match(text, /^w1 +t\d p1 e2 +│[0-3·]+$/m);
});

test('80×24 with sixteen trials: everything fits; the log, the waves and then trial rows give way', () => {
  const events = fixtureEvents({ trials: 16, epochs: 2 });
  const plan = outlineOf(fixturePlan({ trials: 16, epochs: 2 }));
  const state = runStateOf(events.slice(0, events.findIndex((e) => e.type === 'epoch_finished' && e.trial === 15) + 1), plan);
  const { lastFrame } = render(<RunScreen state={state} now={state.lastAt} columns={80} rows={24} color={false} />);
  const lines = screen(lastFrame());
  assertFits(lines, 80, 24);
  const text = lines.join('\n');
  assert.match(text, /─ workers/);
  assert.doesNotMatch(text, /─ log/);
  assert.doesNotMatch(text, /─ steps/);
  assert.match(text, /^✓ split 0\.1s {2}· test_metrics {2}· publish$/m);
  assert.match(text, /^─ trials · by val_accuracy \(max\) ─+ 16 running · 0 done · 3 more not shown/m);
  assert.match(text, /^▶ search .* 32\/64 units 50%/m);

});

test('narrow and short terminals: columns drop, panes fold, a tiny one gets one line', () => {
  const state = midRun();
  for (const [columns, rows] of [
    [60, 16],
    [50, 12],
    [40, 8],
    [120, 40],
  ] as const) {
    const { lastFrame, unmount } = render(<RunScreen state={state} now={state.lastAt} columns={columns} rows={rows} color={false} />);
    const lines = screen(lastFrame());
    assertFits(lines, columns, rows);
    assert.match(lines.join('\n'), /val_accuracy/, `${columns}×${rows} lost the objective`);
    unmount();
  }
  const { lastFrame } = render(<RunScreen state={state} now={state.lastAt} columns={30} rows={6} color={false} />);
  const tiny = screen(lastFrame());
  assert.match(tiny[0]!, /^quickstart search 8\/24 ETA/);
  assert.deepEqual(tiny.slice(1), ['(40×8 shows more)']);
});

test('finished: the outcome and the best model replace the workers; lanes say nothing is running', () => {
  const state = runStateOf(fixtureEvents(), outline);
  const { lastFrame } = render(<RunScreen state={state} now={state.lastAt} columns={100} rows={30} color={false} keys={false} />);
  const lines = screen(lastFrame());
  assert.match(lines[0]!, /^dlc run quickstart {2}20260301-100000-quickstart {2}done in \d+\.\ds$/);
  assert.match(lines[1]!, /^best trial 3 units=128 lr=0\.003 {2}val_accuracy 0\.\d{4} {2}model …[\w/-]*quickstart\/best-model$/);
  const text = lines.join('\n');
  assert.match(text, /✓ search \d+\.\ds/);
  assert.match(text, /^w0 +│/m);
  assert.match(text, /trial 3 finished: val_accuracy/);
});

test('layout: the order in which panes give way', () => {
  const base = { columns: 100, stepsByWaves: 6, stepsFolded: 2, trials: 4, lanes: 2, logLines: 10 };
  const roomy = layoutFor({ ...base, rows: 40 });
  assert.deepEqual([roomy.steps, roomy.trialRows, roomy.timeline, roomy.logLines], ['waves', 4, true, 8]);
  const snug = layoutFor({ ...base, rows: 18 });
  assert.deepEqual([snug.steps, snug.trialRows, snug.timeline, snug.logLines], ['waves', 4, true, 0]);
  const tight = layoutFor({ ...base, rows: 14 });
  assert.deepEqual([tight.steps, tight.trialRows, tight.timeline], ['folded', 4, true]);
  const short = layoutFor({ ...base, rows: 10, trials: 20 });
  assert.deepEqual([short.steps, short.timeline, short.headerLines], ['folded', false, 2]);
  assert.equal(short.trialRows, 10 - 1 - 2 - 2 - 2);
  assert.equal(layoutFor({ ...base, rows: 7 }).tiny, true);
});

class TestStore implements RunStore {
  private listeners = new Set<() => void>();
  constructor(private state: RunState) {}
  subscribe = (l: () => void) => {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  };
  getState = () => this.state;
  push(e: RunEvent): void {
    this.state = reduceRun(this.state, e);
    for (const l of this.listeners) l();
  }
}

const tick = () => new Promise((r) => setTimeout(r, 120));

test('live: events redraw the screen; ? shows help, p switches the marks, q asks to stop once per press', async () => {
  const events = fixtureEvents();
  const half = events.findIndex((e) => e.type === 'epoch_finished');
  const store = new TestStore(runStateOf(events.slice(0, half), outline));
  let stops = 0;
  const clock = () => store.getState().lastAt;
  const app = render(<LiveApp store={store} color={false} onStop={() => stops++} size={{ columns: 100, rows: 30 }} clock={clock} tickMs={50} />);
  await tick();
  assert.match(screen(app.lastFrame()).join('\n'), /marks: trial/);
  for (const e of events.slice(half, half + 12)) store.push(e);
  await tick();
  assert.match(screen(app.lastFrame()).join('\n'), /1\/3 +running/);

  app.stdin.write('?');
  await tick();
  let text = screen(app.lastFrame()).join('\n');
  assert.match(text, /─ help/);
  assert.match(text, /stop gracefully/);
  assert.doesNotMatch(text, /─ trials/);
  app.stdin.write('\u001b');
  await tick();
  assert.doesNotMatch(screen(app.lastFrame()).join('\n'), /─ help/);

  app.stdin.write('p');
  await tick();
  text = screen(app.lastFrame()).join('\n');
  assert.match(text, /marks: partition/);
  assert.match(text, /^w1 +(t\d p1 e\d|idle) +│[1·]+$/m);

  app.stdin.write('q');
  await tick();
  assert.equal(stops, 1);
  assert.match(screen(app.lastFrame())[0]!, /stopping/);
  app.stdin.write('\u0003');
  await tick();
  assert.equal(stops, 2, 'Ctrl-C in raw mode reaches the same stop callback');

  for (const e of events.slice(half + 12)) store.push(e);
  await tick();
  assert.match(screen(app.lastFrame())[0]!, /done in/);
});

test('live: a resize redraws the screen to fit', async () => {
  const state = midRun();
  const store = new TestStore(state);
  const app = render(<LiveApp store={store} color={false} onStop={() => {}} size={{ columns: 100, rows: 30 }} clock={() => state.lastAt} />);
  await tick();
  assert.match(screen(app.lastFrame()).join('\n'), /─ steps/);
  app.rerender(<LiveApp store={store} color={false} onStop={() => {}} size={{ columns: 60, rows: 12 }} clock={() => state.lastAt} />);
  await tick();
  const lines = screen(app.lastFrame());
  assertFits(lines, 60, 12);
  assert.doesNotMatch(lines.join('\n'), /─ steps/);
});

test('an empty state draws the header alone while the run starts', () => {
  const { lastFrame } = render(<RunScreen state={initialRunState(outline)} now={0} columns={100} rows={30} color={false} />);
  const lines = screen(lastFrame());
  assert.match(lines[0]!, /^dlc run … {2}starting/);
  assert.match(lines.join('\n'), /· search/);
});
