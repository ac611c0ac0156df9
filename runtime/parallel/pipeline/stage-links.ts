/**
 * Messages between pipeline stages when a worker may host several: to a stage on another worker over the
 * group's mesh (worker ranks in stage order, each hosting a consecutive run of stages), to a stage on the
 * same worker through an in-process queue. Between two workers there is one stage boundary, so a channel
 * between them carries one stage's messages, in order.
 *
 * A worker runs its stages one after another (stage-host.ts), never waiting on itself: a stage reading
 * from a neighbour on its worker finds the message already queued, or the schedule is wrong, which is an
 * error here rather than a hang.
 */
import { hostRanges } from '../../../compiler/cost/stage-placement.js';
import type { Mesh } from '../mesh.js';
import type { StageLink } from './gpipe.js';

export interface StageLinks {
  /** Stage `index`'s view: sends and receives by neighbouring stage index. */
  of(index: number): StageLink;
}

export function stageLinks(mesh: Mesh, hosted: readonly number[]): StageLinks {
  const ranges = hostRanges(hosted);
  const workerOf = (stage: number): number => {
    const w = ranges.findIndex(([a, b]) => stage >= a && stage < b);
    if (w < 0) throw new Error(`no worker hosts stage ${stage}`);
    return w;
  };
  const queues = new Map<string, Float32Array[]>();
  const key = (from: number, to: number, channel: number) => `${from}>${to}#${channel}`;
  return {
    of: (index) => ({
      send(to, channel, data) {
        const worker = workerOf(to);
        if (worker !== mesh.rank) return mesh.send(worker, channel, data);
        const k = key(index, to, channel);
        const queue = queues.get(k) ?? [];
        // Copied, as the mesh copies: the sender may reuse its array.
        queue.push(data.slice());
        queues.set(k, queue);
      },
      async receive(from, channel) {
        const worker = workerOf(from);
        if (worker !== mesh.rank) return mesh.receive(worker, channel);
        const message = queues.get(key(from, index, channel))?.shift();
        if (!message) throw new Error(`stage ${index} expected a message from stage ${from} on this worker that was never sent`);
        return message;
      },
    }),
  };
}
