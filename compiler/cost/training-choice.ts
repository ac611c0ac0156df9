/**
 * `parallelism: auto`: the decision rules of COST-MODELS.md, checked against the estimates of
 * training.ts where the rules leave a choice.
 */
import { formatBytes, formatSeconds } from './format.js';
import { fitsDevice, type TrainingAlternative, type TrainingModelInput } from './training.js';

/** How much cheaper task parallelism must be estimated for `auto` to prefer it to model hopper. */
export const TASK_MARGIN = 0.05;

export interface TrainingChoice {
  strategy: 'hopper' | 'task' | 'data' | 'model';
  reason: string;
  /** False when nothing can train this model (a single layer is bigger than a device). */
  feasible: boolean;
}

/**
 * In order: a model that does not fit a device needs model parallelism; |S| < p/2 leaves most workers
 * idle under hopper or task, so data parallelism (all-reduce), unless its synchronised steps are
 * estimated to cost more than the idle workers would have saved (small models, where a step's exchange
 * and wait outweigh its compute: bench/results/parallel.md measured data parallelism at 2× hopper for an
 * MLP of 100k weights); otherwise model hopper, or task parallelism when |S| ≥ p, a full copy fits each
 * worker, the data is not already partitioned and task parallelism is clearly the cheaper. Model
 * averaging and asynchronous or parameter-server training are never chosen here.
 */
export function chooseTrainingStrategy(input: TrainingModelInput, alternatives: TrainingAlternative[]): TrainingChoice {
  const S = input.configurations;
  const p = input.workers;
  const row = (s: string) => alternatives.find((a) => a.strategy === s)!;
  if (fitsDevice(input) === false) {
    const model = row('model');
    if (!model.feasible) return { strategy: 'model', feasible: false, reason: `the model needs ~${formatBytes(input.footprint!)} to train and not even one layer fits the ${formatBytes(input.deviceBudget)} of a device` };
    return { strategy: 'model', feasible: true, reason: `the model needs ~${formatBytes(input.footprint!)} to train, more than the ${formatBytes(input.deviceBudget)} of one device: model parallelism over ${input.stages!.stages} stages, the fewest that fit` };
  }
  if (S === null) return { strategy: 'hopper', feasible: true, reason: `the search decides how many configurations to train as it goes; model hopper keeps the ${p} workers busy while many run (\`hybrid\` would switch to data parallel once fewer than ${Math.ceil(p / 2)} remain)` };
  if (p === 1) return { strategy: 'hopper', feasible: true, reason: 'one worker: every strategy trains the configurations one after another; hopper needs no copies and no synchronisation' };
  const hopper = row('hopper');
  if (S < p / 2) {
    const data = row('data');
    const few = `${S} configuration${S === 1 ? '' : 's'} on ${p} workers (|S| < p/2)`;
    if (data.seconds !== null && hopper.seconds !== null && data.seconds >= hopper.seconds) {
      return {
        strategy: 'hopper',
        feasible: true,
        reason: `${few}: data parallelism would keep every worker busy, but its synchronised mini-batches are estimated to cost more than they save (${formatSeconds(data.seconds)} against ${formatSeconds(hopper.seconds)} for model hopper with ${p - S} workers idle)`,
      };
    }
    return { strategy: 'data', feasible: true, reason: `${few}: hopper or task parallelism would leave ${p - S} workers idle, so every worker trains each configuration, all-reducing gradients per mini-batch${data.seconds !== null && hopper.seconds !== null ? ` (${formatSeconds(data.seconds)} against ${formatSeconds(hopper.seconds)} for model hopper)` : ''}` };
  }
  const task = row('task');
  const copyFits = input.datasetBytes !== null && input.datasetBytes <= input.deviceBudget;
  const data = input.dataPartitioned ? 'the data is partitioned' : input.datasetBytes === null ? 'the data size is unknown' : !copyFits ? `the data (${formatBytes(input.datasetBytes)}) is larger than one worker's ${formatBytes(input.deviceBudget)}` : undefined;
  const base = `${S} configurations on ${p} workers (|S| ≥ p/2)`;
  if (data !== undefined || S < p) {
    const why = data ?? `fewer configurations than workers leave task parallelism ${p - S} idle`;
    return { strategy: 'hopper', feasible: true, reason: `${base} and ${why}: model hopper trains them all at once on one partitioned copy${hopper.bytesMoved !== null ? `, moving ${formatBytes(hopper.bytesMoved)} of checkpoints` : ''}` };
  }
  // Both qualify. Task parallelism is taken only when clearly cheaper: within TASK_MARGIN the estimates
  // cannot tell the two apart, and hopper stores the data once.
  const cheaperTask = task.seconds !== null && hopper.seconds !== null && task.seconds < hopper.seconds * (1 - TASK_MARGIN);
  const copies = `${p} full copies of the data (${formatBytes(p * input.datasetBytes!)})`;
  if (cheaperTask) {
    return { strategy: 'task', feasible: true, reason: `${base}, and a full copy of the data fits each worker: task parallelism is as fast and converges as well; with its ${copies} it is estimated at ${formatSeconds(task.seconds!)} against ${formatSeconds(hopper.seconds!)} for model hopper` };
  }
  const close = task.seconds !== null && hopper.seconds !== null && task.seconds < hopper.seconds;
  const cmp = close
    ? `; task parallelism would be about as fast (${formatSeconds(task.seconds!)} against ${formatSeconds(hopper.seconds!)}) but keeps ${copies}`
    : `, where task parallelism would keep ${copies}`;
  return { strategy: 'hopper', feasible: true, reason: `${base}: model hopper stores the data once, partitioned${cmp}` };
}
