import type { RunEvent } from '../events/types.js';
import type { VisitEntry } from '../scheduler/index.js';

/** The visit log of a recorded run, from its events: every unit handed out, with what became of it. */
export function visitLogFromEvents(events: readonly RunEvent[]): VisitEntry[] {
  const outcome = new Map<number, VisitEntry['outcome']>();
  for (const e of events) if (e.type === 'unit_finished') outcome.set(e.seq, e.status === 'completed' ? 'completed' : e.status === 'lost' ? 'lost' : 'failed');
  const entries: VisitEntry[] = [];
  for (const e of events) {
    if (e.type !== 'unit_started') continue;
    entries.push({ seq: e.seq, worker: e.worker, trial: e.trial, epoch: e.epoch, partition: e.partition, outcome: outcome.get(e.seq) ?? 'in-flight' });
  }
  return entries.sort((a, b) => a.seq - b.seq);
}
