// One member of a transport measurement (bench/parallel.bench.mjs): joins a group of worker processes over
// the named transport and times `reps` ring all-reduces of `n` float32 values with the runtime's own ring
// algorithm, so only the links differ between transports. Prints one JSON line: seconds per all-reduce,
// bytes sent and a checksum of the result (every member must agree).
//
//   node transport-child.mjs <socket|ipc-relay|shm> <rank> <size> <n> <reps> <dir>
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [mode, rankArg, sizeArg, nArg, repsArg, dir] = process.argv.slice(2);
const rank = Number(rankArg);
const size = Number(sizeArg);
const n = Number(nArg);
const reps = Number(repsArg);
const dist = join(import.meta.dirname, '..', '..', 'dist', 'runtime', 'parallel');
const { ringAllReduce } = await import(pathToFileURL(join(dist, 'collectives.js')).href);
const { Mailbox } = await import(pathToFileURL(join(dist, 'mesh.js')).href);
const { openSocketMesh } = await import(pathToFileURL(join(dist, 'socket-mesh.js')).href);
const endpoints = Array.from({ length: size }, (_, r) => join(dir, `m${r}.sock`));

/** Every payload relayed by the parent over Node's IPC channel (advanced serialization). */
function ipcRelayMesh() {
  const mailbox = new Mailbox();
  let sent = 0;
  let unsent = 0;
  let flushed = () => {};
  process.on('message', (m) => {
    if (m && m.relay) mailbox.deliver(m.from, m.channel, m.data);
  });
  return {
    rank,
    size,
    send(to, channel, data) {
      sent += data.byteLength;
      unsent++;
      process.send({ relay: true, to, from: rank, channel, data: data.slice() }, () => {
        if (--unsent === 0) flushed();
      });
    },
    receive: (from, channel) => mailbox.receive(from, channel),
    bytesSent: () => sent,
    // Exiting with a message still queued would lose it, and the other member would wait for ever.
    close: () => (unsent === 0 ? Promise.resolve() : new Promise((resolve) => (flushed = resolve))),
  };
}

/**
 * Payloads written to a file per directed pair on /dev/shm (tmpfs: memory), at a growing offset so a
 * slow reader is never overwritten; a small frame on the socket mesh says where each one lies.
 */
async function shmMesh() {
  const signal = await openSocketMesh({ group: `shm-${dir}`, rank, endpoints });
  const out = new Map();
  const offsets = new Map();
  const fileOf = (from, to) => join('/dev/shm', `${dir.split('/').pop()}-${from}-${to}`);
  let sent = 0;
  return {
    rank,
    size,
    send(to, channel, data) {
      if (!out.has(to)) out.set(to, openSync(fileOf(rank, to), 'w+'));
      const at = offsets.get(to) ?? 0;
      writeSync(out.get(to), new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 0, data.byteLength, at);
      offsets.set(to, at + data.byteLength);
      signal.send(to, channel, new Float32Array([at, data.byteLength]));
      sent += data.byteLength + 16;
    },
    async receive(from, channel) {
      const [at, bytes] = await signal.receive(from, channel);
      const fd = openSync(fileOf(from, rank), 'r');
      const values = new Float32Array(bytes / 4);
      readSync(fd, new Uint8Array(values.buffer), 0, bytes, at);
      closeSync(fd);
      return values;
    },
    bytesSent: () => sent,
    async close() {
      for (const fd of out.values()) closeSync(fd);
      await signal.close();
    },
  };
}

const mesh = mode === 'socket' ? await openSocketMesh({ group: `bench-${dir}`, rank, endpoints }) : mode === 'ipc-relay' ? ipcRelayMesh() : await shmMesh();
const data = new Float32Array(n);
const fill = () => {
  for (let i = 0; i < n; i++) data[i] = ((i * 7 + rank * 13) % 101) / 101;
};
// Warm-up: connections, JIT.
for (let i = 0; i < 3; i++) {
  fill();
  await ringAllReduce(mesh, data);
}
const before = mesh.bytesSent();
const t0 = process.hrtime.bigint();
for (let i = 0; i < reps; i++) {
  fill();
  await ringAllReduce(mesh, data);
}
const seconds = Number(process.hrtime.bigint() - t0) / 1e9 / reps;
let checksum = 0;
for (let i = 0; i < n; i += 97) checksum += data[i];
process.stdout.write(`${JSON.stringify({ rank, seconds, bytesSent: (mesh.bytesSent() - before) / reps, checksum })}\n`);
await mesh.close();
process.exit(0);
