/**
 * A pass under a parameter server (parameter-server.ts): member 0 serves and trains, the others train
 * against it. Each member computes the gradients of its slice of a global mini-batch (B/p examples) on the
 * weights it last received, pushes them and waits to be answered with newer weights. The pass starts and
 * ends with member 0's weights broadcast, so all members leave it with the server's model.
 *
 * Synchronous members take the same number of steps (a member out of examples pushes nothing, count 0);
 * asynchronous and bounded-staleness members each take their own shard's steps.
 */
import { deriveSeed } from '../training/seeds.js';
import { broadcast } from './collectives.js';
import { assignFlat, flattenInto } from './flat-values.js';
import { BatchFeed, groupRows, rowsOf, totalsFor, trainableLayout, type GroupPassInput, type GroupPassOutcome } from './group-pass.js';
import { sliceGradients } from './local-step.js';
import { CHANNEL } from './mesh.js';
import { ParameterServer, PUSH_DONE, PUSH_HEADER, PUSH_STEP, type ServerMode } from './parameter-server.js';
import { batchCount, sliceOf } from './shards.js';

export async function parameterServerPass(input: GroupPassInput & { mode: ServerMode; staleness: number | null }): Promise<GroupPassOutcome> {
  const { tf, trainer, mesh } = input;
  const { variables, layout } = trainableLayout(trainer);
  const { totals } = totalsFor(tf, trainer);
  const server = mesh.rank === 0 ? new ParameterServer(tf, trainer, variables, layout, mesh, input.mode, input.staleness) : undefined;

  const weights = flattenInto(variables, layout, new Float32Array(layout.total));
  await broadcast(mesh, 0, weights);
  if (!server) assignFlat(tf, variables, weights, layout);

  const slice = sliceOf(input.batchSize, mesh.rank, mesh.size);
  const rows = await groupRows(mesh, rowsOf(input.data, trainer.inputShape));
  const mine = batchCount(rows[mesh.rank]!, slice);
  const steps = input.mode === 'sync' ? Math.max(...rows.map((n, r) => batchCount(n, sliceOf(input.batchSize, r, mesh.size)))) : mine;
  const feed = new BatchFeed(input.data, trainer.inputShape, slice, input.shuffle, input.shuffleSeed);
  const dropoutSeed = deriveSeed(trainer.seed, 'member', mesh.rank);
  const message = new Float32Array(PUSH_HEADER + layout.total);
  const serving = server?.serve();
  let version = 0;

  for (let step = 0; step < steps; step++) {
    const batch = await feed.next();
    message[0] = PUSH_STEP;
    message[1] = step;
    message[2] = server ? server.current() : version;
    message[3] = batch?.count ?? 0;
    if (batch) totals.add(sliceGradients(tf, trainer, variables, layout, batch, dropoutSeed, message, PUSH_HEADER), batch.count);
    else message.fill(0, PUSH_HEADER);
    if (server) {
      await server.pushLocal(message);
      // Its own steps never wait for the event loop; without a turn here the other members' pushes would
      // sit unread until the server's member had finished its whole pass.
      await new Promise<void>((resolve) => setImmediate(resolve));
      continue;
    }
    mesh.send(0, CHANNEL.push, message);
    const answer = await mesh.receive(0, CHANNEL.pull);
    version = answer[0]!;
    assignFlat(tf, variables, answer, layout, 1);
  }
  if (server) {
    server.finishLocal();
    await serving;
  } else {
    mesh.send(0, CHANNEL.push, new Float32Array([PUSH_DONE, steps, version, 0]));
  }

  const final = flattenInto(variables, layout, new Float32Array(layout.total));
  await broadcast(mesh, 0, final);
  if (!server) assignFlat(tf, variables, final, layout);
  return { stats: totals.read(), steps, ...(server ? { staleness: server.record() } : {}) };
}
