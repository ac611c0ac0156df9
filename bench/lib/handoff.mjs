// How fast a worker can get a partition: a worker thread reading a SharedArrayBuffer the driver wrote
// (nothing is copied; the message carries a reference), against a child process sent the same bytes over
// its IPC channel (they are copied through a pipe). Each side sums the bytes it got, so both really read
// them. This is why joins run on worker threads.
import { fork } from 'node:child_process';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { summarize } from './measure.mjs';

const SUM = `let s = 0; for (let i = 0; i < b.length; i += 64) s += b[i]; return s;`;

export async function measureHandoff({ megabytes = 64, rounds = 5 } = {}) {
  const bytes = megabytes * 2 ** 20;
  const shared = new Uint8Array(new SharedArrayBuffer(bytes));
  for (let i = 0; i < bytes; i += 4096) shared[i] = i & 255;
  const plain = Buffer.alloc(bytes);
  plain.set(shared);

  const worker = new Worker(`const { parentPort } = require('node:worker_threads'); parentPort.on('message', (b) => { parentPort.postMessage((() => { ${SUM} })()); });`, { eval: true });
  const dir = mkdtempSync(join(tmpdir(), 'dlc-handoff-'));
  const childFile = join(dir, 'child.cjs');
  writeFileSync(childFile, `process.on('message', (m) => { const b = Buffer.from(m.data ?? m); process.send((() => { ${SUM} })()); });`);
  const child = fork(childFile, [], { serialization: 'advanced' });
  const once = (emitter, send) => new Promise((resolve) => { emitter.once('message', resolve); send(); });
  const thread = [];
  const processes = [];
  try {
    for (let r = 0; r < rounds + 1; r++) {
      let t = performance.now();
      await once(worker, () => worker.postMessage(shared));
      if (r > 0) thread.push(performance.now() - t);
      t = performance.now();
      await once(child, () => child.send(plain));
      if (r > 0) processes.push(performance.now() - t);
    }
  } finally {
    await worker.terminate();
    child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
  const t = summarize(thread);
  const p = summarize(processes);
  return { megabytes, rounds, threadMs: t, processMs: p, threadMBps: megabytes / (t.median / 1000), processMBps: megabytes / (p.median / 1000) };
}
