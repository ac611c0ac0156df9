/**
 * Runs one task on every member of a training group at once. The members wait on each other's links, so
 * the first member to fail (or be lost) gets the group aborted on the others at once, rather than leaving
 * them to wait for an answer that will never come.
 */
import type { WorkerBackend } from '../backends/types.js';
import type { Task, TaskResult } from '../worker/protocol.js';

export async function runOnGroup(backend: WorkerBackend, workers: readonly string[], group: string, taskOf: (rank: number) => Task): Promise<PromiseSettledResult<TaskResult>[]> {
  let failed = false;
  const runs = workers.map((worker, rank) =>
    backend.run(worker, taskOf(rank)).catch((error: unknown) => {
      if (!failed) {
        failed = true;
        const reason = `member ${rank} (${worker}) failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
        workers.forEach((other, i) => i !== rank && backend.peers?.abort(other, group, reason));
      }
      throw error;
    }),
  );
  return Promise.allSettled(runs);
}

/** The error that explains a group's failure: the first that is not a consequence of another member's. */
export function rootCause(outcomes: readonly PromiseSettledResult<unknown>[]): unknown {
  const reasons = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
  const secondary = (e: unknown) => e instanceof Error && /group member \d+ is gone|group \S+ was stopped/.test(e.message);
  return reasons.find((e) => !secondary(e)) ?? reasons[0];
}
