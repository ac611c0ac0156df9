/**
 * The models of trials that visited this worker, kept in memory. When a trial's model comes back to the
 * worker that last trained it, the checkpoint it would load is the state already in memory, so loading is
 * skipped; otherwise the checkpoint is read from the store. Bounded so many trials cannot exhaust memory.
 */
import { MODELS_KEPT_PER_WORKER } from '../../compiler/cost/runtime-facts.js';
import type { Tf } from '../engine/index.js';
import { bindTrainStep, createTrainer, disposeTrainer, loadCheckpoint, type Trainer } from '../training/index.js';
import type { TrainStep } from '../../compiler/spec/types.js';
import type { TrialSetup } from './protocol.js';

interface Entry {
  trainer: Trainer;
  /** The checkpoint file whose contents equal the in-memory state, if any. */
  checkpoint: string | null;
}

export class TrialModels {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly tf: Tf,
    private readonly capacity = MODELS_KEPT_PER_WORKER,
  ) {}

  /** The trial's trainer at the state of `checkpoint` (fresh weights when null); bytes read from the store. */
  async acquire(setup: TrialSetup, trial: number, checkpoint: string | null): Promise<{ trainer: Trainer; bytesRead: number }> {
    const key = `${setup.node}#${trial}`;
    const cached = this.entries.get(key);
    if (cached && cached.checkpoint === checkpoint) {
      this.touch(key, cached);
      return { trainer: cached.trainer, bytesRead: 0 };
    }
    if (cached) {
      this.entries.delete(key);
      disposeTrainer(cached.trainer);
    }
    const trainer = this.create(setup);
    let bytesRead = 0;
    try {
      if (checkpoint !== null) {
        const { statSync } = await import('node:fs');
        await loadCheckpoint(this.tf, checkpoint, { model: trainer.model, optimizer: trainer.optimizer });
        bytesRead = statSync(checkpoint).size;
      }
    } catch (error) {
      disposeTrainer(trainer);
      throw error;
    }
    this.touch(key, { trainer, checkpoint });
    return { trainer, bytesRead };
  }

  /** Records that the trial's in-memory state now equals `checkpoint`. */
  saved(setup: TrialSetup, trial: number, checkpoint: string): void {
    const entry = this.entries.get(`${setup.node}#${trial}`);
    if (entry) entry.checkpoint = checkpoint;
  }

  /** A trial's in-memory state is no longer trustworthy (its unit failed midway). */
  forget(setup: TrialSetup, trial: number): void {
    const key = `${setup.node}#${trial}`;
    const entry = this.entries.get(key);
    if (entry) {
      this.entries.delete(key);
      disposeTrainer(entry.trainer);
    }
  }

  create(setup: TrialSetup): Trainer {
    const bound = bindTrainStep(setup.step as unknown as TrainStep, setup.params);
    return createTrainer(this.tf, bound, { seed: setup.seed });
  }

  private touch(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.entries.set(key, entry);
    while (this.entries.size > this.capacity) {
      const [oldest, old] = this.entries.entries().next().value as [string, Entry];
      this.entries.delete(oldest);
      disposeTrainer(old.trainer);
    }
  }
}
