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

/** What a stage swaps: its weights and its optimizer's per-weight slots, in bytes, in stage order. */
export function stageStateBytes(model: Pick<ModelEstimate, 'layers'>, stages: number, slots: number): number[] {
  return cutStages(model, stages).map(({ begin, end }) =>
    model.layers.slice(begin, end).reduce((n, l) => n + (l.params + slots * l.trainable) * BYTES_PER_VALUE, 0),
  );
}

export interface SpillRun {
  /** Per stage, bytes of state (stageStateBytes). */
  stateBytes: readonly number[];
  hosted: readonly number[];
  configurations: number;
  epochs: number;
  /** Training mini-batches and held-out scoring batches per epoch. */
  steps: number;
  scoringBatches: number;
}

/**
 * Bytes copied device → host (spilled) and host → device (loaded) over a run, following the runtime's
 * schedule (runtime/parallel/pipeline/stage-host.ts) on each worker hosting stages [a, b):
 * - a trial's stages are built last to first and each spilled but stage a;
 * - every mini-batch runs the forward passes of a … b−1 and the backward passes of b−1 … a: 2(b−a−1) swaps;
 * - every held-out batch runs a … b−1 (so from b−1 back to a first, past the first batch);
 * - at the end of the epoch every stage writes its checkpoint part, the resident one first.
 * A swap spills the resident stage and loads the next; the stages are held from one epoch to the next.
 */
export function spillTraffic(run: SpillRun): { spilled: number; loaded: number } {
  let spilled = 0;
  let loaded = 0;
  for (const [a, b] of hostRanges(run.hosted)) {
    if (b - a < 2) continue;
    const bytes = (s: number) => run.stateBytes[s] ?? 0;
    let resident = a;
    const use = (s: number) => {
      if (s === resident) return;
      spilled += bytes(resident);
      loaded += bytes(s);
      resident = s;
    };
    const up = Array.from({ length: b - a }, (_, i) => a + i);
    const down = [...up].reverse();
    // One trial; the others repeat it exactly.
    let perTrialSpilled = 0;
    let perTrialLoaded = 0;
    {
      const before = [spilled, loaded] as const;
      for (const s of down) if (s !== a) spilled += bytes(s);
      for (let e = 0; e < run.epochs; e++) {
        for (let i = 0; i < run.steps; i++) {
          up.forEach(use);
          down.forEach(use);
        }
        for (let i = 0; i < run.scoringBatches; i++) up.forEach(use);
        (resident === a ? up : down).forEach(use);
      }
      perTrialSpilled = spilled - before[0];
      perTrialLoaded = loaded - before[1];
    }
    spilled += (run.configurations - 1) * perTrialSpilled;
    loaded += (run.configurations - 1) * perTrialLoaded;
  }
  return { spilled, loaded };
}
