/**
 * Which pipeline stages go on which worker, and what hosting several costs (Hydra-style spilling). Pure:
 * the planner explains with it and the runtime places stages with it, so the two agree.
 *
 * With at least as many workers as stages, one stage per worker. With fewer, either cut the model again
 * into as many stages as there are workers, when those fewer, bigger stages still fit a device (faster:
 * nothing swaps), or keep the stages and host several consecutive ones per worker, only the stage
 * computing now on the device and the others' weights and optimizer slots in host memory.
 */
import type { ModelEstimate } from './model-memory.js';
import { cutStages } from './stage-cut.js';

const BYTES_PER_VALUE = 4;

export type Placement = 'spread' | 'recut' | 'spill';

export interface StagePlacement {
  how: Placement;
  /** Stages the model is cut into. */
  stages: number;
  /** Stages each worker hosts, in worker order; consecutive runs, as many entries as workers used. */
  hosted: number[];
}

/**
 * `planned` stages (as the spec or the planner asks), `fewestThatFit` (the memory estimator's: the fewest
 * stages that each fit a device; 1 when the whole model does), on `workers` workers.
 */
export function placeStages(planned: number, fewestThatFit: number, workers: number): StagePlacement {
  const w = Math.max(1, workers);
  if (planned <= w) return { how: 'spread', stages: planned, hosted: Array.from({ length: planned }, () => 1) };
  if (fewestThatFit <= w) return { how: 'recut', stages: w, hosted: Array.from({ length: w }, () => 1) };
  return { how: 'spill', stages: planned, hosted: hostedStages(planned, w) };
}

/** `stages` dealt into `workers` consecutive runs, the first workers taking one more when it does not divide. */
export function hostedStages(stages: number, workers: number): number[] {
  const w = Math.min(stages, workers);
  return Array.from({ length: w }, (_, i) => Math.floor(stages / w) + (i < stages % w ? 1 : 0));
}

/** Stages [begin, end) of each worker. */
export function hostRanges(hosted: readonly number[]): [number, number][] {
  let begin = 0;
  return hosted.map((n) => {
    const range: [number, number] = [begin, begin + n];
    begin += n;
    return range;
  });
}

/** Indexes of the stage boundaries (0 = between stages 0 and 1) that fall between two workers. */
export function crossWorkerCuts(hosted: readonly number[]): number[] {
  return hostRanges(hosted)
    .slice(0, -1)
    .map(([, end]) => end - 1);
}

/** What a stage swaps, in bytes: before its first update, and after (once its optimizer has made its slots). */
export interface StageState {
  /** Weights and the optimizer's scalars. */
  fresh: number;
  /** Plus the optimizer's per-weight slots. */
  trained: number;
  /** Its gradients (what global-norm clipping keeps in host memory for a spilled stage). */
  grads: number;
}

/** Each stage's state as stage-spill.ts copies it, for `slots` per trainable weight and `scalars` more. */
export function stageStates(model: Pick<ModelEstimate, 'layers'>, stages: number, slots: number, scalars: number): StageState[] {
  return cutStages(model, stages).map(({ begin, end }) => {
    const layers = model.layers.slice(begin, end);
    const params = layers.reduce((n, l) => n + l.params, 0);
    const trainable = layers.reduce((n, l) => n + l.trainable, 0);
    return { fresh: (params + scalars) * BYTES_PER_VALUE, trained: (params + scalars + slots * trainable) * BYTES_PER_VALUE, grads: trainable * BYTES_PER_VALUE };
  });
}

export interface SpillRun {
  states: readonly StageState[];
  hosted: readonly number[];
  configurations: number;
  epochs: number;
  /** Training mini-batches and held-out scoring batches per epoch. */
  steps: number;
  scoringBatches: number;
  /** Global-norm clipping: a spilled stage keeps its gradients in host memory until it is loaded again. */
  deferredGradients: boolean;
}

/**
 * Bytes copied device → host (spilled) and host → device (loaded) over a run, following the runtime's
 * schedule (runtime/parallel/pipeline/stage-host.ts) on each worker hosting stages [a, b):
 * - a trial's stages are built last to first and each spilled but stage a;
 * - every mini-batch runs the forward passes of a … b−1 and the backward passes of b−1 … a: 2(b−a−1) swaps;
 * - every held-out batch runs a … b−1 (so from b−1 back to a first, past the first batch);
 * - at the end of the epoch every stage writes its checkpoint part, the resident one first.
 * A swap spills the resident stage and loads the next; the stages are held from one epoch to the next.
 * A stage's optimizer makes its slots at its first update, so until then a swap moves less.
 */
export function spillTraffic(run: SpillRun): { spilled: number; loaded: number } {
  let spilled = 0;
  let loaded = 0;
  for (const [a, b] of hostRanges(run.hosted)) {
    if (b - a < 2) continue;
    const trained = new Set<number>();
    const bytes = (s: number) => (trained.has(s) ? run.states[s]!.trained : run.states[s]!.fresh);
    let resident = a;
    let owed: number[] = [];
    const use = (s: number) => {
      if (s === resident) return;
      spilled += bytes(resident);
      loaded += bytes(s);
      resident = s;
      if (owed.includes(s)) {
        loaded += run.states[s]!.grads;
        owed = owed.filter((x) => x !== s);
        trained.add(s);
      }
    };
    const up = Array.from({ length: b - a }, (_, i) => a + i);
    const down = [...up].reverse();
    const before = { spilled, loaded };
    for (const s of down) if (s !== a) spilled += bytes(s);
    for (let e = 0; e < run.epochs; e++) {
      for (let i = 0; i < run.steps; i++) {
        up.forEach(use);
        for (const s of down) {
          use(s);
          if (run.deferredGradients && s !== a) {
            spilled += run.states[s]!.grads;
            owed.push(s);
          } else trained.add(s);
        }
      }
      for (let i = 0; i < run.scoringBatches; i++) up.forEach(use);
      (resident === a ? up : down).forEach(use);
    }
    // Every trial repeats the first's schedule.
    spilled += (run.configurations - 1) * (spilled - before.spilled);
    loaded += (run.configurations - 1) * (loaded - before.loaded);
  }
  return { spilled, loaded };
}
