// The SSP clock table: under any interleaving of members' steps, a member let start a step is never more
// than the bound ahead of the slowest member still training; no bound lets gaps grow; bound 0 is lock-step.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ClockTable } from '../../runtime/parallel/staleness.js';
import { seededRandom } from '../../runtime/training/seeds.js';

/** Members with `steps` steps each, stepping in random order whenever the table lets them; the widest gap. */
function simulate(members: number, steps: number[], bound: number | null, seed: number): number {
  const table = new ClockTable(members, bound);
  const random = seededRandom(seed);
  const next = new Array<number>(members).fill(0);
  const done = new Array<boolean>(members).fill(false);
  for (let guard = 0; guard < 10_000 && !table.allFinished(); guard++) {
    const ready = [...Array(members).keys()].filter((m) => !done[m] && table.mayStart(next[m]!));
    assert.ok(ready.length > 0, 'some member can always go on');
    // Slow members: member 0 gets a turn a quarter as often as the others.
    const weighted = ready.flatMap((m) => (m === 0 ? [m] : [m, m, m, m]));
    const m = weighted[Math.floor(random() * weighted.length)]!;
    const gap = table.started(next[m]!);
    if (bound !== null) assert.ok(gap <= bound, `member ${m} started step ${next[m]} ${gap} ahead (bound ${bound})`);
    table.tick(m);
    next[m]!++;
    if (next[m] === steps[m]) {
      done[m] = true;
      table.finish(m);
    }
  }
  assert.ok(table.allFinished());
  return table.widestGap();
}

test('SSP never lets a member start more than its bound ahead of the slowest', () => {
  for (const bound of [0, 1, 3]) {
    for (let seed = 1; seed <= 20; seed++) {
      const widest = simulate(3, [30, 30, 25], bound, seed);
      assert.ok(widest <= bound);
    }
  }
});

test('without a bound a fast member runs far ahead; a finished member holds nobody back', () => {
  assert.ok(simulate(3, [30, 30, 30], null, 1) > 5);
  // Member 2 finishes after 2 steps; the others are then bounded only by each other.
  assert.ok(simulate(3, [20, 20, 2], 1, 2) <= 1);
});
