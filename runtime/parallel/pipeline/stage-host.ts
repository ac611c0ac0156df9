/**
 * The consecutive pipeline stages one worker hosts, only one of them on the device at a time (Hydra): the
 * others wait in host memory (stage-spill.ts). The epoch (pipeline-epoch.ts) asks for the stage it runs
 * next, following the GPipe schedule: the forward passes of the first to the last hosted stage, then the
 * backward passes from the last back to the first, so a mini-batch costs 2 swaps per stage beyond the
 * first, each spilling one stage and loading the next. compiler/cost/stage-placement.ts estimates the same
 * schedule's bytes.
 *
 * Global-norm clipping needs every stage's gradients before any update, so a stage that has been spilled
 * by then keeps its clipped gradients in host memory and takes its step when it is next loaded.
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import type { Tf } from '../../engine/index.js';
import { applyScaled } from './apply-step.js';
import { disposeStage, type Stage } from './stage-model.js';
import { type HostCopy, loadStage, spillStage } from './stage-spill.js';

interface Deferred {
  grads: { values: Float32Array; shape: number[] }[];
  scale: number;
}

export class StageHost {
  /** Bytes copied device → host and host → device so far. */
  bytesSpilled = 0;
  bytesLoaded = 0;
  private readonly copies = new Map<number, HostCopy>();
  private readonly deferred = new Map<number, Deferred>();
  private resident: number | undefined;

  /** In order, consecutive; put in with `adopt`. */
  readonly stages: Stage[] = [];

  constructor(private readonly tf: Tf) {}

  get first(): Stage {
    return this.stages[0]!;
  }
  get last(): Stage {
    return this.stages.at(-1)!;
  }
  /** The stage on the device (undefined before any). */
  get current(): Stage | undefined {
    return this.resident === undefined ? undefined : this.stage(this.resident);
  }

  stage(index: number): Stage {
    const s = this.stages.find((x) => x.index === index);
    if (!s) throw new Error(`this worker does not host stage ${index}`);
    return s;
  }

  /** A stage just built (or loaded from a checkpoint) on the device: it stays if `keep`, else is spilled. */
  async adopt(stage: Stage, keep: boolean): Promise<void> {
    this.stages.push(stage);
    this.stages.sort((a, b) => a.index - b.index);
    if (keep) {
      if (this.resident !== undefined) await this.spill(this.resident);
      this.resident = stage.index;
      return;
    }
    await this.spillNew(stage);
  }

  /** Puts stage `index` on the device, spilling the one there; applies a step it was owed. */
  async use(index: number): Promise<Stage> {
    const stage = this.stage(index);
    if (this.resident === index) return stage;
    if (this.resident !== undefined) await this.spill(this.resident);
    const copy = this.copies.get(index)!;
    await loadStage(this.tf, stage, copy);
    this.copies.delete(index);
    this.bytesLoaded += copy.bytes;
    this.resident = index;
    const owed = this.deferred.get(index);
    if (owed) {
      this.deferred.delete(index);
      this.bytesLoaded += owed.grads.reduce((n, g) => n + 4 * g.values.length, 0);
      applyScaled(this.tf, stage, owed.grads.map((g) => this.tf.tensor(g.values, g.shape, 'float32')), owed.scale);
    }
    return stage;
  }

  /** Keeps a spilled stage's gradients in host memory until it is next loaded; disposes the tensors. */
  defer(index: number, grads: Tensor[]): void {
    const held = grads.map((g) => ({ values: Float32Array.from(g.dataSync() as Float32Array), shape: [...g.shape] }));
    this.tf.dispose(grads);
    this.bytesSpilled += held.reduce((n, g) => n + 4 * g.values.length, 0);
    this.deferred.set(index, { grads: held, scale: 1 });
  }

  /** The global-norm factor for every deferred step of this mini-batch. */
  scaleDeferred(scale: number): void {
    for (const d of this.deferred.values()) d.scale = scale;
  }

  dispose(): void {
    // A spilled stage's variables are already freed; its model and optimizer objects still are released.
    for (const s of this.stages) {
      if (s.index === this.resident) disposeStage(s);
      else disposeSpilled(s);
    }
    this.copies.clear();
    this.deferred.clear();
    this.resident = undefined;
  }

  private async spill(index: number): Promise<void> {
    const copy = await spillStage(this.tf, this.stage(index));
    this.copies.set(index, copy);
    this.bytesSpilled += copy.bytes;
    this.resident = undefined;
  }

  private async spillNew(stage: Stage): Promise<void> {
    const copy = await spillStage(this.tf, stage);
    this.copies.set(stage.index, copy);
    this.bytesSpilled += copy.bytes;
  }
}

/** Releases what a spilled stage still holds on the device: its optimizer's scalars. */
function disposeSpilled(stage: Stage): void {
  stage.optimizer.optimizer.dispose();
}
