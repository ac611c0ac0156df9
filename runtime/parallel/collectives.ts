/**
 * Collective operations on a mesh. The all-reduce is the ring algorithm Horovod uses (Patarasuk and Yuan's
 * bandwidth-optimal all-reduce): the vector is cut into `size` chunks; in `size − 1` reduce-scatter steps
 * each member sends one chunk to its right neighbour and adds the chunk arriving from its left, after which
 * each member holds the full sum of one chunk; `size − 1` all-gather steps then pass the finished chunks
 * round. Every member sends 2·(size − 1)/size of the vector whatever the group's size, and all end with
 * the same bits: each chunk is summed once, by one member, and copied to the others.
 */
import { CHANNEL, type Mesh } from './mesh.js';

/** Where chunk `i` of `n` values cut into `parts` begins (chunks differ in length by at most one). */
const chunkStart = (n: number, parts: number, i: number): number => Math.floor((i * n) / parts);

const mod = (a: number, m: number): number => ((a % m) + m) % m;

/** Replaces `data` on every member with the element-wise sum over all members. */
export async function ringAllReduce(mesh: Mesh, data: Float32Array): Promise<void> {
  const p = mesh.size;
  if (p === 1) return;
  const r = mesh.rank;
  const right = mod(r + 1, p);
  const left = mod(r - 1, p);
  const chunk = (i: number) => data.subarray(chunkStart(data.length, p, i), chunkStart(data.length, p, i + 1));

  for (let step = 0; step < p - 1; step++) {
    mesh.send(right, CHANNEL.ring, chunk(mod(r - step, p)));
    const incoming = await mesh.receive(left, CHANNEL.ring);
    const target = chunk(mod(r - step - 1, p));
    for (let i = 0; i < target.length; i++) target[i]! += incoming[i]!;
  }
  for (let step = 0; step < p - 1; step++) {
    mesh.send(right, CHANNEL.ring, chunk(mod(r - step + 1, p)));
    const incoming = await mesh.receive(left, CHANNEL.ring);
    chunk(mod(r - step, p)).set(incoming);
  }
}

/** Every member ends with `root`'s `data` (written into the others' arrays, which must be as long). */
export async function broadcast(mesh: Mesh, root: number, data: Float32Array): Promise<void> {
  if (mesh.size === 1) return;
  if (mesh.rank === root) {
    for (let to = 0; to < mesh.size; to++) if (to !== root) mesh.send(to, CHANNEL.broadcast, data);
    return;
  }
  const incoming = await mesh.receive(root, CHANNEL.broadcast);
  if (incoming.length !== data.length) throw new RangeError(`broadcast of ${incoming.length} values into an array of ${data.length}`);
  data.set(incoming);
}

/** Waits until every member has reached the same point (an all-reduce of nothing). */
export async function barrier(mesh: Mesh): Promise<void> {
  await ringAllReduce(mesh, new Float32Array(mesh.size));
}
