// Times ring all-reduces between local worker processes over one transport (see transport-child.mjs).
import { fork } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

const CHILD = join(import.meta.dirname, 'transport-child.mjs');

/** Runs `size` members; resolves with each member's line (seconds per all-reduce, bytes sent, checksum). */
export async function measureTransport(mode, { size = 2, values, reps, timeoutMs = 120_000 }) {
  const dir = mkdtempSync(join(tmpdir(), 'dlc-tb-'));
  const children = Array.from({ length: size }, (_, rank) =>
    fork(CHILD, [mode, String(rank), String(size), String(values), String(reps), dir], { serialization: 'advanced', stdio: ['ignore', 'pipe', 'inherit', 'ipc'] }),
  );
  // The driver's relay: what a worker sends to another goes through this process.
  for (const child of children) {
    child.on('message', (m) => {
      if (m && m.relay) children[m.to].send({ relay: true, from: m.from, channel: m.channel, data: m.data });
    });
  }
  try {
    const lines = await Promise.all(
      children.map(
        (child) =>
          new Promise((resolve, reject) => {
            let out = '';
            child.stdout.setEncoding('utf8');
            child.stdout.on('data', (c) => (out += c));
            const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
            child.on('exit', (code, signal) => {
              clearTimeout(timer);
              if (code === 0) resolve(JSON.parse(out.trim().split('\n').at(-1)));
              else reject(new Error(`${mode} member ${signal === 'SIGKILL' ? `did not finish within ${timeoutMs / 1000} s` : `exited with ${code}`}`));
            });
          }),
      ),
    );
    const sums = new Set(lines.map((l) => l.checksum.toFixed(3)));
    if (sums.size !== 1) throw new Error(`${mode}: the members disagree on the sum (${[...sums].join(', ')})`);
    return lines;
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    for (const f of readdirSync('/dev/shm')) if (f.startsWith(basename(dir))) rmSync(join('/dev/shm', f), { force: true });
  }
}
