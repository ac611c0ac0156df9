/**
 * A discrete-event simulation of a scheduler driving workers of given speeds: how long the run takes, how
 * busy each worker was and how many bytes moved. Tests use it to check the schedulers; the planner uses it
 * to compare hopper and task parallelism before committing to one.
 *
 * Time is in the unit of `unitCost`. A unit of trial t on one partition takes unitCost(t) / speed(worker);
 * a task-parallel unit (the full data) takes `partitions` times as long.
 *
 * Bytes follow the Cerebro paper's accounting (Table 2): every time a model starts a unit on a worker other
 * than the one that last held it, its bytes move (the first unit counts: the model is loaded there); a worker
 * that runs task-parallel units needs its own full copy of the data; a partitioned dataset is where it is,
 * and a partition moves only when its owner is lost and another worker takes it over.
 */
import type { AnyUnit, CompletionResult, Scheduler } from './types.js';

export interface SimWorker {
  name: string;
  /** Relative speed: 2 runs a unit in half the time of 1. */
  speed: number;
}

export interface SimulationInput {
  scheduler: Scheduler<AnyUnit>;
  /** The order here is the order idle workers ask for work when several are idle at the same instant. */
  workers: readonly SimWorker[];
  /** Time for one trial's pass over one partition at speed 1. */
  unitCost: (trial: number) => number;
  /** Partitions the data is split into (a task-parallel unit covers them all). */
  partitions: number;
  /** Bytes of one model's checkpoint. Default 0. */
  modelBytes?: number | ((trial: number) => number);
  /** Bytes of the whole dataset. Default 0. */
  dataBytes?: number;
  /** Workers that die at a given time; the unit they were running is lost. */
  workerLosses?: readonly { worker: string; at: number }[];
  /** Called after each accepted completion, e.g. to stop trials early. */
  onCompleted?: (event: { unit: AnyUnit; worker: string; time: number; result: CompletionResult; scheduler: Scheduler<AnyUnit> }) => void;
}

export interface SimSpan {
  worker: string;
  trial: number;
  epoch: number;
  partition: number | 'all';
  start: number;
  end: number;
  outcome: 'completed' | 'lost';
}

export interface SimulationResult {
  /** When the last unit finished. */
  makespan: number;
  /** Time each worker spent running units (lost units count up to the loss). */
  busy: Record<string, number>;
  unitsCompleted: number;
  unitsLost: number;
  /** Times a model was moved onto a worker, including its first placement. */
  modelHops: number;
  modelBytesMoved: number;
  dataBytesMoved: number;
  /** modelBytesMoved + dataBytesMoved. */
  bytesMoved: number;
  timeline: SimSpan[];
}

export function simulate(input: SimulationInput): SimulationResult {
  const { scheduler, workers, unitCost, partitions } = input;
  if (!Number.isSafeInteger(partitions) || partitions < 1) throw new RangeError(`partitions must be a whole number >= 1, got ${partitions}`);
  for (const w of workers) if (!(w.speed > 0) || !Number.isFinite(w.speed)) throw new RangeError(`worker ${w.name}: speed must be positive, got ${w.speed}`);
  const modelBytes = (t: number): number => (typeof input.modelBytes === 'function' ? input.modelBytes(t) : (input.modelBytes ?? 0));
  const dataBytes = input.dataBytes ?? 0;
  const losses = [...(input.workerLosses ?? [])].sort((a, b) => a.at - b.at);

  const busy: Record<string, number> = Object.fromEntries(workers.map((w) => [w.name, 0]));
  const running = new Map<string, { unit: AnyUnit; start: number; end: number }>();
  const retired = new Set<string>();
  const timeline: SimSpan[] = [];
  const modelAt = new Map<number, string>();
  const partitionHolders = new Map<number, Set<string>>();
  const fullCopies = new Set<string>();
  let time = 0;
  let makespan = 0;
  let unitsCompleted = 0;
  let unitsLost = 0;
  let modelHops = 0;
  let modelBytesMoved = 0;
  let dataBytesMoved = 0;

  const start = (worker: SimWorker, unit: AnyUnit): void => {
    const work = unitCost(unit.trial) * (unit.partition === 'all' ? partitions : 1);
    if (!(work >= 0) || !Number.isFinite(work)) throw new RangeError(`unitCost(${unit.trial}) must be a finite number >= 0, got ${work}`);
    running.set(worker.name, { unit, start: time, end: time + work / worker.speed });
    if (modelAt.get(unit.trial) !== worker.name) {
      modelHops++;
      modelBytesMoved += modelBytes(unit.trial);
      modelAt.set(unit.trial, worker.name);
    }
    if (unit.partition === 'all') {
      if (!fullCopies.has(worker.name)) {
        fullCopies.add(worker.name);
        dataBytesMoved += dataBytes;
      }
    } else {
      const holders = partitionHolders.get(unit.partition);
      // The first worker to use a partition is where it was stored; any later one had to fetch it.
      if (!holders) partitionHolders.set(unit.partition, new Set([worker.name]));
      else if (!holders.has(worker.name)) {
        holders.add(worker.name);
        dataBytesMoved += dataBytes / partitions;
      }
    }
  };

  for (;;) {
    for (const w of workers) {
      if (retired.has(w.name) || running.has(w.name)) continue;
      const a = scheduler.nextFor(w.name);
      if (a === 'done') retired.add(w.name);
      else if (a !== 'wait') start(w, a);
    }

    let first: { name: string; unit: AnyUnit; start: number; end: number } | undefined;
    for (const w of workers) {
      const r = running.get(w.name);
      if (r && (!first || r.end < first.end)) first = { name: w.name, ...r };
    }
    const loss = losses[0];
    if (!first) {
      if (scheduler.isDone()) break;
      if (!loss) throw new Error('the simulation stalled: no unit is running, none can start, and the scheduler is not done');
    }
    if (loss && (!first || loss.at <= first.end)) {
      losses.shift();
      time = Math.max(time, loss.at);
      const r = running.get(loss.worker);
      if (r) {
        running.delete(loss.worker);
        busy[loss.worker] = (busy[loss.worker] ?? 0) + (time - r.start);
        timeline.push({ worker: loss.worker, ...r.unit, start: r.start, end: time, outcome: 'lost' });
        modelAt.delete(r.unit.trial);
        unitsLost++;
      }
      retired.add(loss.worker);
      scheduler.workerLost(loss.worker);
      continue;
    }
    const f = first!;
    running.delete(f.name);
    time = f.end;
    makespan = time;
    busy[f.name] = (busy[f.name] ?? 0) + (f.end - f.start);
    timeline.push({ worker: f.name, ...f.unit, start: f.start, end: f.end, outcome: 'completed' });
    unitsCompleted++;
    const result = scheduler.completed(f.unit, f.name);
    input.onCompleted?.({ unit: f.unit, worker: f.name, time, result, scheduler });
  }

  return {
    makespan,
    busy,
    unitsCompleted,
    unitsLost,
    modelHops,
    modelBytesMoved,
    dataBytesMoved,
    bytesMoved: modelBytesMoved + dataBytesMoved,
    timeline,
  };
}
