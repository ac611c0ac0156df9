/**
 * Replays a recorded run (`--replay`): each worker gets exactly the units it completed in the recorded run,
 * in the same order, whatever the timing this time.
 *
 * A model's weights depend on the order it saw the partitions, so a unit is handed out only after the
 * unit recorded before it for the same trial has completed, and, for a partition, after the unit recorded
 * before it on that partition; until then its worker waits. Waiting cannot deadlock: the earliest recorded
 * unit not yet handed out is at the head of its worker's queue and everything it waits for was recorded
 * earlier, hence already handed out and bound to finish.
 *
 * Only completed assignments are replayed: failed and lost ones did no lasting work, and the retry that
 * followed them is in the log as its own assignment. Works on hopper and task-parallel logs alike.
 *
 * Under an adaptive search the driver adds trials as the search suggests them and holds trials while the
 * search waits; with `admit: 'added'` a trial's units wait until it has been added, and a held trial's
 * until it is released, as they did in the recorded run. The same argument rules out a deadlock: whatever
 * made the recorded run add or release a trial finished before that trial's next unit was handed out.
 */
import {
  unitLabel,
  type AnyUnit,
  type Assignment,
  type CompletionResult,
  type EpochRange,
  type FailureResult,
  type Scheduler,
  type TrialStatus,
  type VisitEntry,
} from './types.js';

export interface ReplayOptions {
  /**
   * The workers of this run, known up front (those in the log are known anyway), so that a lost worker's
   * units can go to one that has not asked for work yet. A lost worker's units otherwise wait for the next
   * worker to ask.
   */
  workers?: readonly string[];
  /** After this many failures of the same unit in the replay its trial is abandoned. Default: retry forever. */
  maxAttempts?: number;
  /** `all` (default): every recorded trial may run from the start; `added`: only once addTrial names it. */
  admit?: 'all' | 'added';
}

interface Item {
  seq: number;
  unit: AnyUnit;
  state: 'queued' | 'running' | 'completed' | 'dropped';
  /** The unit recorded just before this one for the same trial, and for the same partition. */
  prevOfTrial: Item | undefined;
  prevOfPartition: Item | undefined;
  lastOfEpoch: boolean;
  lastOfTrial: boolean;
  failures: number;
}

interface WorkerState {
  lost: boolean;
  queue: Item[];
  current: { item: Item; seq: number } | undefined;
}

export function createReplayScheduler(recorded: readonly VisitEntry[], options: ReplayOptions = {}): Scheduler<AnyUnit> {
  const maxAttempts = options.maxAttempts ?? Infinity;
  const entries = recorded.filter((e) => e.outcome === 'completed').sort((a, b) => a.seq - b.seq);

  const items: Item[] = [];
  const workers = new Map<string, WorkerState>();
  const lastByTrial = new Map<number, Item>();
  const lastByPartition = new Map<number, Item>();
  const lastByEpoch = new Map<string, Item>();
  const seen = new Set<string>();
  const addWorker = (name: string): WorkerState => {
    let w = workers.get(name);
    if (!w) {
      w = { lost: false, queue: [], current: undefined };
      workers.set(name, w);
    }
    return w;
  };
  for (const e of entries) {
    const key = `${e.trial}/${e.epoch}/${e.partition}`;
    if (seen.has(key)) throw new RangeError(`the log completes ${unitLabel(e)} twice`);
    seen.add(key);
    const unit = { trial: e.trial, epoch: e.epoch, partition: e.partition } as AnyUnit;
    const item: Item = {
      seq: e.seq,
      unit,
      state: 'queued',
      prevOfTrial: lastByTrial.get(e.trial),
      prevOfPartition: typeof e.partition === 'number' ? lastByPartition.get(e.partition) : undefined,
      lastOfEpoch: false,
      lastOfTrial: false,
      failures: 0,
    };
    items.push(item);
    lastByTrial.set(e.trial, item);
    if (typeof e.partition === 'number') lastByPartition.set(e.partition, item);
    lastByEpoch.set(`${e.trial}/${e.epoch}`, item);
    addWorker(e.worker).queue.push(item);
  }
  for (const name of options.workers ?? []) addWorker(name);
  for (const it of lastByTrial.values()) it.lastOfTrial = true;
  for (const it of lastByEpoch.values()) it.lastOfEpoch = true;

  /** Units of lost workers that no surviving worker has taken yet. */
  let unclaimed: Item[] = [];
  const stopped = new Set<number>();
  const abandoned = new Set<number>();
  const added = new Set<number>();
  const held = new Set<number>();
  const gated = options.admit === 'added';
  const log: VisitEntry[] = [];

  const workerOf = (name: string): WorkerState => addWorker(name);
  const itemsOf = (trial: number): Item[] => {
    if (!lastByTrial.has(trial) && !added.has(trial)) throw new RangeError(`unknown trial ${trial}`);
    return items.filter((i) => i.unit.trial === trial);
  };
  /** Whether the recorded predecessor has finished; dropped units (stopped trials) are looked through. */
  const settled = (prev: Item | undefined, link: (i: Item) => Item | undefined): boolean => {
    let p = prev;
    while (p && p.state === 'dropped') p = link(p);
    return !p || p.state === 'completed';
  };
  const ready = (it: Item): boolean =>
    (!gated || added.has(it.unit.trial)) &&
    !held.has(it.unit.trial) &&
    settled(it.prevOfTrial, (i) => i.prevOfTrial) &&
    settled(it.prevOfPartition, (i) => i.prevOfPartition);
  const outstanding = (): boolean => items.some((i) => i.state === 'queued' || i.state === 'running');
  const dropQueued = (trial: number): void => {
    for (const it of items) if (it.unit.trial === trial && it.state === 'queued') it.state = 'dropped';
    for (const w of workers.values()) w.queue = w.queue.filter((i) => i.state !== 'dropped');
    unclaimed = unclaimed.filter((i) => i.state !== 'dropped');
  };
  const takeCurrent = (name: string, w: WorkerState, unit: AnyUnit, what: string): { item: Item; seq: number } => {
    const cur = w.current;
    const u = cur?.item.unit;
    if (!cur || !u || u.trial !== unit.trial || u.epoch !== unit.epoch || u.partition !== unit.partition) {
      throw new Error(`worker ${name} reports ${unitLabel(unit)} ${what}, but it is running ${u ? unitLabel(u) : 'nothing'}`);
    }
    w.current = undefined;
    return cur;
  };

  return {
    nextFor(name: string): Assignment<AnyUnit> {
      const w = workerOf(name);
      if (w.lost) return 'done';
      if (w.current) throw new Error(`worker ${name} asks for work while ${unitLabel(w.current.item.unit)} is in flight`);
      if (unclaimed.length > 0) {
        w.queue = [...w.queue, ...unclaimed.splice(0)].sort((a, b) => a.seq - b.seq);
      }
      const head = w.queue[0];
      if (!head) return outstanding() ? 'wait' : 'done';
      if (!ready(head)) return 'wait';
      w.queue.shift();
      head.state = 'running';
      const seq = log.length;
      log.push({ seq, worker: name, ...head.unit, outcome: 'in-flight' });
      w.current = { item: head, seq };
      return { ...head.unit };
    },

    completed(unit: AnyUnit, name: string): CompletionResult {
      const w = workerOf(name);
      if (w.lost) return { accepted: false, epochFinished: false, trialFinished: false };
      const { item, seq } = takeCurrent(name, w, unit, 'completed');
      log[seq]!.outcome = 'completed';
      item.state = 'completed';
      return { accepted: true, epochFinished: item.lastOfEpoch, trialFinished: item.lastOfTrial };
    },

    failed(unit: AnyUnit, name: string): FailureResult {
      const w = workerOf(name);
      if (w.lost) return 'stale';
      const { item, seq } = takeCurrent(name, w, unit, 'failed');
      log[seq]!.outcome = 'failed';
      const trial = item.unit.trial;
      if (stopped.has(trial) || abandoned.has(trial)) {
        item.state = 'dropped';
        return 'dropped';
      }
      item.failures++;
      if (item.failures >= maxAttempts) {
        item.state = 'dropped';
        abandoned.add(trial);
        dropQueued(trial);
        return 'abandoned';
      }
      // Retried on the same worker, in recorded position: units merged in from a lost worker may now
      // precede it, and must stay ahead of it.
      item.state = 'queued';
      w.queue = [item, ...w.queue].sort((a, b) => a.seq - b.seq);
      return 'requeued';
    },

    workerLost(name: string): void {
      const w = workerOf(name);
      if (w.lost) return;
      w.lost = true;
      const orphans = w.queue;
      w.queue = [];
      if (w.current) {
        log[w.current.seq]!.outcome = 'lost';
        const it = w.current.item;
        w.current = undefined;
        if (stopped.has(it.unit.trial) || abandoned.has(it.unit.trial)) it.state = 'dropped';
        else {
          it.state = 'queued';
          orphans.unshift(it);
        }
      }
      // The exact replay is over for these units; the survivor with the least left takes them, merged by
      // recorded position, which keeps the no-deadlock argument above valid.
      let heir: WorkerState | undefined;
      for (const c of workers.values()) {
        if (!c.lost && (!heir || c.queue.length < heir.queue.length)) heir = c;
      }
      if (!heir) {
        // No survivor has shown up yet: the next worker to ask takes them.
        unclaimed.push(...orphans);
        return;
      }
      heir.queue = [...heir.queue, ...orphans].sort((a, b) => a.seq - b.seq);
    },

    stopTrial(trial: number): void {
      itemsOf(trial);
      if (abandoned.has(trial)) return;
      stopped.add(trial);
      dropQueued(trial);
    },

    addTrial(trial: number, range: EpochRange): void {
      // The recorded units say what the trial trains; the range is the driver's business.
      void range;
      added.add(trial);
    },

    holdTrial(trial: number): void {
      held.add(trial);
    },

    releaseTrial(trial: number): void {
      held.delete(trial);
    },

    trialStatus(trial: number): TrialStatus {
      const mine = itemsOf(trial);
      if (mine.every((i) => i.state === 'completed')) return 'finished';
      if (abandoned.has(trial)) return 'abandoned';
      if (stopped.has(trial)) return 'stopped';
      if (held.has(trial) && !mine.some((i) => i.state === 'running')) return 'held';
      return mine.some((i) => i.state !== 'queued') ? 'running' : 'pending';
    },

    isDone: () => !outstanding(),

    visitLog: () => log.map((e) => ({ ...e })),
  };
}
