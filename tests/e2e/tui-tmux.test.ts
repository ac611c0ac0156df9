import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { CLI, ROOT, runCli, scratchDir } from '../helpers.js';

/**
 * The terminal UI as a person sees it: the quickstart runs in a detached tmux session of 100×30 (Debian
 * package `tmux`), and the screen is read with capture-pane while it trains; keys go in with send-keys.
 */
const SOCKET = `dlc-tui-test-${process.pid}`;
const hasTmux = spawnSync('tmux', ['-V']).status === 0;
const tmp = scratchDir('dlc-tui-');
const tmux = (...args: string[]) => spawnSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });
after(() => {
  if (hasTmux) tmux('kill-server');
  rmSync(tmp, { recursive: true, force: true });
});

const capture = (): string[] => tmux('capture-pane', '-p', '-t', 'run').stdout.replace(/\n+$/, '').split('\n');

let captured = 0;

/** Polls the screen until `pred` holds; fails with the last screen after `timeoutMs`. */
async function waitForScreen(what: string, pred: (screen: string) => boolean, timeoutMs = 120_000): Promise<string[]> {
  const end = Date.now() + timeoutMs;
  let lines: string[] = [];
  while (Date.now() < end) {
    lines = capture();
    if (pred(lines.join('\n'))) {
      // DLC_TUI_CAPTURES=DIR keeps each awaited screen, to look at what a user saw.
      if (process.env.DLC_TUI_CAPTURES) writeFileSync(join(process.env.DLC_TUI_CAPTURES, `${String(++captured).padStart(2, '0')} ${what}.txt`), `${lines.join('\n')}\n`);
      return lines;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.fail(`timed out waiting for ${what}; the screen:\n${lines.join('\n')}`);
}

function assertFitsWhileRunning(lines: string[], columns = 100, rows = 30): void {
  assert.ok(lines.length <= rows - 1, `${lines.length} lines drawn on a ${rows}-line terminal`);
  for (const l of lines) assert.ok([...l].length <= columns - 1, `a line as wide as the terminal: ${JSON.stringify(l)}`);
}

test('dlc run on a terminal: live steps, leaderboard and worker timeline; ? help, p marks, q stops gracefully', { skip: hasTmux ? false : 'tmux is not installed (Debian package tmux)', timeout: 240_000 }, async () => {
  const runDir = join(tmp, 'run');
  // CI=true would make the run choose plain lines, as it should in a CI log; this terminal is real.
  const command = `cd ${ROOT} && env -u CI -u CONTINUOUS_INTEGRATION TERM=xterm-256color ${process.execPath} ${CLI} run specs/quickstart.yaml --no-cache --run-dir ${runDir}; echo "EXIT=$?"; sleep 600`;
  const started = tmux('new-session', '-d', '-s', 'run', '-x', '100', '-y', '30', command);
  assert.equal(started.status, 0, started.stderr);

  // 1. Training has begun: the header, the workers with their backend, the DAG by waves, a progress bar.
  let lines = await waitForScreen('the train step with a progress bar', (s) => /^▶ search .*\d+\/40 units/m.test(s) && /^workers w0 /m.test(s));
  let screen = lines.join('\n');
  assertFitsWhileRunning(lines);
  assert.match(lines[0]!, /^dlc run quickstart {2}run {2}running \d+:\d\d +\? help {2}q stop$/);
  assert.match(lines[1]!, /^workers w0 \S+ on cpu {2}w1 \S+ on cpu$/);
  assert.match(screen, /─ steps ─+ 5\/8 done/);
  assert.match(screen, /^✓ fashion_train \d+\.\ds +✓ fashion_test \d+\.\ds$/m);
  assert.match(screen, /^✓ split \d+\.\ds$/m);
  assert.match(screen, /^· test_metrics +· publish$/m);

  // 2. Epochs have finished: the leaderboard ranks trials by val_accuracy with curves; the lanes show hopping.
  lines = await waitForScreen('a ranked leaderboard and the timeline', (s) => /^★ +\d +\d+ +0\.00\d +[1-5]\/5 /m.test(s) && /^w1 +t\d p\d e\d +│/m.test(s));
  screen = lines.join('\n');
  assertFitsWhileRunning(lines);
  assert.match(screen, /─ trials · search · ranked by val_accuracy \(max\) ─+ \d running · \d done/);
  assert.match(screen, /# +units +lr +epoch +status +val_accuracy +curve/);
  assert.match(screen, /^★ +\d +(64|128) +0\.00[13] +[1-5]\/5 +(running|done) +0\.\d{4} +[▁▂▃▄▅▆▇█]+/m);
  assert.match(screen, /─ workers · units over time ─+ marks: trial \(p toggles\) · \d+:\d\d$/m);
  assert.match(screen, /^w0 +(t\d p0 e\d|idle) +│[0-3·]+$/m);
  const before = /(\d+)\/40 units/.exec(screen)![1];

  tmux('send-keys', '-t', 'run', '?');
  lines = await waitForScreen('the help', (s) => /─ help/.test(s));
  assert.match(lines.join('\n'), /^q +stop gracefully/m);
  tmux('send-keys', '-t', 'run', 'Escape');
  await waitForScreen('the help closed', (s) => !/─ help/.test(s) && /─ trials/.test(s));
  tmux('send-keys', '-t', 'run', 'p');
  await waitForScreen('partition marks', (s) => /marks: partition/.test(s));

  // A smaller terminal: the screen is drawn anew to fit, with nothing left of the wider frame.
  tmux('resize-window', '-t', 'run', '-x', '80', '-y', '24');
  lines = await waitForScreen('the screen redrawn for 80×24', (s) => {
    const l = s.split('\n');
    return l.length <= 23 && l.every((x) => [...x].length <= 79) && /─ trials/.test(s);
  });
  assert.match(lines[0]!, /^dlc run quickstart {2}run {2}running \d+:\d\d +\? help {2}q stop$/);
  assert.equal(lines.filter((l) => l.startsWith('dlc run quickstart')).length, 1, 'pieces of the old frame are left');

  // 3. The screen moved on without any key: more units are done.
  lines = await waitForScreen('progress', (s) => Number(/(\d+)\/40 units/.exec(s)?.[1] ?? 0) > Number(before) || /done in/.test(s));

  // q stops like a first Ctrl-C: running units finish and checkpoint, the run is resumable, exit 130.
  tmux('send-keys', '-t', 'run', 'q');
  lines = await waitForScreen('the end of the run', (s) => /EXIT=\d+/.test(s));
  screen = lines.join('\n');
  const exit = Number(/EXIT=(\d+)/.exec(screen)![1]);
  if (exit === 130) {
    assert.match(screen, /^dlc run quickstart {2}run {2}stopped in \d+\.\ds$/m);
    assert.match(screen, /stopping: running units finish and checkpoint/);
    assert.match(screen, /^■ search \d+\.\ds$/m);
    // At 80 columns the title is shortened when queued trials lengthen its note.
    assert.match(screen, /─ trials · (search · ranked )?by val_accuracy \(max\) ─+ \d paused · \d done/);
    assert.match(screen, new RegExp(`^stopped after \\d+\\.\\ds; continue with: dlc run --resume ${runDir}$`, 'm'));
  } else {
    // The run was quicker than the key.
    assert.equal(exit, 0, screen);
    assert.match(screen, /^done in \d+\.\ds; best: search trial \d/m);
  }
  assert.match(screen, new RegExp(`^run directory: ${runDir}$`, 'm'));
  assert.ok(!screen.includes('\u001b'), 'no raw escape sequences left on the screen');

  // What the screen showed is in the run directory for the other commands.
  const shown = runCli(['show', runDir]);
  assert.equal(shown.status, 0, shown.stderr);
  assert.match(shown.stdout, exit === 130 ? /status {4}interrupted after/ : /status {4}completed after/);
  const listed = runCli(['runs', tmp]);
  assert.match(listed.stdout, new RegExp(`^${runDir} +quickstart +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d +${exit === 130 ? 'interrupted' : 'completed'} +\\d+\\.\\ds +val_accuracy 0\\.\\d{4} \\(trial \\d\\)$`, 'm'));
  const report = runCli(['report', runDir]);
  assert.equal(report.status, 0, report.stderr);
  assert.ok(existsSync(join(runDir, 'report.html')));
});
