/**
 * How a data-parallel group divides its work: which partition files each member trains on, and how much of
 * every global mini-batch is each member's slice.
 */

/** Member `rank`'s slice of a global mini-batch of `batchSize` (slices differ by at most one example). */
export function sliceOf(batchSize: number, rank: number, size: number): number {
  return Math.floor(batchSize / size) + (rank < batchSize % size ? 1 : 0);
}

/** Files of member `rank` when `files` are dealt round the group (one each when there are as many as members). */
export function filesOf(files: readonly string[], rank: number, size: number): string[] {
  return files.filter((_, i) => i % size === rank);
}

/** Batches a member with `rows` examples cuts at `batch` per batch (the last one may be short). */
export function batchCount(rows: number, batch: number): number {
  return batch > 0 ? Math.ceil(rows / batch) : 0;
}
