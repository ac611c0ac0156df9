/**
 * How the runtime moves model state, as far as the training traffic estimate depends on it. The runtime
 * takes these values from here, so an estimate cannot silently drift from what is measured.
 */

/** Trials' models a worker keeps in memory (runtime/worker/trial-models.ts); a model back on a worker that still holds it is not read again. */
export const MODELS_KEPT_PER_WORKER = 6;

/** Model averaging's sub-epochs per epoch, each ending with the replicas averaged (runtime/parallel/averaging-pass.ts). */
export const AVERAGING_ROUNDS = 4;

/** Bytes framing every message between workers (runtime/parallel/frames.ts: length and channel). */
export const FRAME_BYTES = 8;

/** Held-out examples per batch when a pipeline scores them (runtime/parallel/pipeline/pipeline-epoch.ts). */
export const SCORING_BATCH = 256;
