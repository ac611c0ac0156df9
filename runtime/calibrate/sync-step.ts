/**
 * What one synchronous step of a group costs beyond its compute and its bytes: two worker processes each
 * do the same fixed work, then tell each other they are done and wait for the other's word, as a
 * data-parallel step waits in its all-reduce. The step's time over the work's time alone is the round trip
 * plus the wait for the slower member; on a shared or busy machine the wait dominates, which is why it is
 * measured rather than assumed.
 */
import { spawn } from 'node:child_process';

export interface SyncStepMeasurement {
  /** Seconds per step beyond the work (median over rounds). */
  seconds: number;
  /** Seconds the work alone takes per step. */
  workSeconds: number;
  steps: number;
}

/** A few milliseconds of arithmetic on a loaded core, about one on an idle one: the order of a small model's step. */
const WORK = 400_000;

/** The same arithmetic in both processes (the child gets this function's source). */
function work(iterations: number): number {
  let x = 1;
  for (let i = 0; i < iterations; i++) x = (x * 1.000001 + 0.5) % 1000;
  return x;
}

const CHILD = `
const work = ${work.toString()};
let waiting = 0;
let wake = null;
process.stdin.on('data', (chunk) => {
  waiting += chunk.length;
  if (wake) { const w = wake; wake = null; w(); }
});
process.stdin.on('end', () => process.exit(0));
const receive = () => (waiting > 0 ? (waiting--, Promise.resolve()) : new Promise((r) => { wake = () => { waiting--; r(); }; }));
(async () => {
  process.stdout.write('r');
  for (;;) {
    await receive();
    work(${WORK});
    process.stdout.write('x');
  }
})();
`;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/**
 * `steps` synchronous steps per round against a child process over pipes; the parent times each step from
 * starting its work to having the child's word.
 */
export async function measureSyncStep(steps: number, rounds: number): Promise<SyncStepMeasurement> {
  const child = spawn(process.execPath, ['-e', CHILD], { stdio: ['pipe', 'pipe', 'ignore'] });
  let arrived = 0;
  let wake: (() => void) | null = null;
  const ready = new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.stdout.once('data', () => resolve());
  });
  await ready;
  child.stdout.on('data', (chunk: Buffer) => {
    arrived += chunk.length;
    if (wake) {
      const w = wake;
      wake = null;
      w();
    }
  });
  const receive = (): Promise<void> =>
    arrived > 0
      ? (arrived--, Promise.resolve())
      : new Promise<void>((resolve) => {
          wake = () => {
            arrived--;
            resolve();
          };
        });
  try {
    const extra: number[] = [];
    let workSeconds = 0;
    for (let r = 0; r < rounds; r++) {
      // The work alone, in this process, right before the round: the machine's load at the time is in both.
      let t0 = performance.now();
      for (let i = 0; i < steps; i++) work(WORK);
      const alone = (performance.now() - t0) / 1000 / steps;
      t0 = performance.now();
      for (let i = 0; i < steps; i++) {
        child.stdin.write('g');
        work(WORK);
        await receive();
      }
      const step = (performance.now() - t0) / 1000 / steps;
      // Never zero: the round trip is there even when noise makes the work alone look slower.
      extra.push(Math.max(1e-6, step - alone));
      workSeconds = alone;
    }
    return { seconds: median(extra), workSeconds, steps };
  } finally {
    child.stdin.end();
    child.kill();
  }
}
