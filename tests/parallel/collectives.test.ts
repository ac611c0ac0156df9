// The collectives and the links under them, in one process: ring all-reduce sums exactly what a plain sum
// gives and leaves every member the same bits; framing survives any chunking; the Unix-socket mesh carries
// payloads between members in order, notices a member leaving, and fails a group that is aborted.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { barrier, broadcast, ringAllReduce } from '../../runtime/parallel/collectives.js';
import { encodeFrame, FrameReader } from '../../runtime/parallel/frames.js';
import { CHANNEL, createLocalMeshes, PeerLostError, type Mesh } from '../../runtime/parallel/mesh.js';
import { abortGroup, openSocketMesh } from '../../runtime/parallel/socket-mesh.js';
import { seededRandom } from '../../runtime/training/seeds.js';
import { scratch } from './fixture.js';

function vectors(members: number, length: number, seed: number): Float32Array[] {
  const random = seededRandom(seed);
  return Array.from({ length: members }, () => Float32Array.from({ length }, () => random() * 2 - 1));
}

async function allReduceOn(meshes: Mesh[], inputs: Float32Array[]): Promise<Float32Array[]> {
  const data = inputs.map((v) => v.slice());
  await Promise.all(meshes.map((m, r) => ringAllReduce(m, data[r]!)));
  return data;
}

test('ring all-reduce: every member ends with the element-wise sum, bit-identical across members', async () => {
  for (const members of [1, 2, 3, 5]) {
    for (const length of [0, 1, 4, 7, 1000]) {
      const inputs = vectors(members, length, members * 100 + length);
      const out = await allReduceOn(createLocalMeshes(members), inputs);
      for (let i = 0; i < length; i++) {
        const sum = inputs.reduce((s, v) => s + v[i]!, 0);
        assert.ok(Math.abs(out[0]![i]! - sum) < 1e-5, `p=${members} n=${length} i=${i}`);
      }
      for (const o of out) assert.deepEqual(o, out[0]);
    }
  }
});

test('ring all-reduce sends 2(p−1)/p of the vector per member', async () => {
  for (const members of [2, 4]) {
    const meshes = createLocalMeshes(members);
    await allReduceOn(meshes, vectors(members, 1200, 1));
    for (const m of meshes) assert.equal(m.bytesSent(), (2 * (members - 1) * 1200 * 4) / members);
  }
});

test('broadcast and barrier', async () => {
  const meshes = createLocalMeshes(3);
  const data = [Float32Array.of(1, 2, 3), new Float32Array(3), new Float32Array(3)];
  await Promise.all(meshes.map((m, r) => broadcast(m, 1, data[r]!)));
  await Promise.all(meshes.map((m) => barrier(m)));
  // Member 1's zeros went to everyone.
  for (const d of data) assert.deepEqual([...d], [0, 0, 0]);
});

test('frames come through whole whatever the chunking, empty payloads included', () => {
  const frames = [encodeFrame(3, new Uint8Array(0)), encodeFrame(1, Uint8Array.from({ length: 70_000 }, (_, i) => i % 251)), encodeFrame(2, Uint8Array.of(9, 8, 7, 6))];
  const stream = Buffer.concat(frames);
  for (const cut of [1, 3, 8, 9, 1000, stream.length]) {
    const got: [number, number, number][] = [];
    const reader = new FrameReader((channel, payload) => got.push([channel, payload.length, payload[payload.length - 1] ?? -1]));
    for (let at = 0; at < stream.length; at += cut) reader.push(stream.subarray(at, at + cut));
    assert.deepEqual(got, [
      [3, 0, -1],
      [1, 70_000, 69_999 % 251],
      [2, 4, 6],
    ]);
  }
});

test('the socket mesh: three members in one process exchange in order, all-reduce, and notice a member leaving', async () => {
  const dir = scratch();
  const endpoints = [0, 1, 2].map((r) => join(dir, `m${r}.sock`));
  // Opened in reverse so the higher ranks' endpoints are not listening yet when the lower ones try.
  const meshes = (await Promise.all([2, 1, 0].map((rank) => openSocketMesh({ group: 'g1', rank, endpoints })))).reverse();
  meshes.forEach((m, r) => assert.equal(m.rank, r));
  for (let i = 0; i < 5; i++) meshes[0]!.send(2, CHANNEL.control, Float32Array.of(i));
  for (let i = 0; i < 5; i++) assert.deepEqual([...(await meshes[2]!.receive(0, CHANNEL.control))], [i]);
  const inputs = vectors(3, 50_001, 7);
  const out = await allReduceOn(meshes, inputs);
  for (const o of out) assert.deepEqual(o, out[0]);
  assert.ok(Math.abs(out[1]![123]! - (inputs[0]![123]! + inputs[1]![123]! + inputs[2]![123]!)) < 1e-5);
  const waiting = assert.rejects(meshes[1]!.receive(2, CHANNEL.control), PeerLostError);
  await meshes[2]!.close();
  await waiting;
  await Promise.all([meshes[0]!.close(), meshes[1]!.close()]);
});

test('an aborted group fails at once: a member waiting for a peer that never comes, and a later attempt to join', async () => {
  const dir = scratch();
  const endpoints = [0, 1].map((r) => join(dir, `m${r}.sock`));
  const waiting = openSocketMesh({ group: 'g2', rank: 1, endpoints });
  setTimeout(() => abortGroup('g2', 'member 0 failed'), 50);
  await assert.rejects(waiting, /g2 was stopped: member 0 failed/);
  await assert.rejects(openSocketMesh({ group: 'g2', rank: 0, endpoints }), /was stopped/);
});
