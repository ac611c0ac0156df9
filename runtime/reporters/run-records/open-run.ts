/** The RUN argument of `dlc show` and `dlc report`: a run directory, a run id, or (none) the newest run. */
import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { resolveRun, RunNotFoundError } from './find-runs.js';
import { readRun, RunReadError, type RunRecord } from './read-run.js';

/** When a run started, from its first event; only the file's first bytes are read. */
function startOf(dir: string): number {
  const file = join(dir, 'events.ndjson');
  if (!existsSync(file)) return 0;
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(512);
    const n = readSync(fd, buffer, 0, buffer.length, 0);
    const m = /"time":"([^"]+)"/.exec(buffer.subarray(0, n).toString('utf8'));
    return m ? Date.parse(m[1]!) : 0;
  } finally {
    closeSync(fd);
  }
}

export function openRun(arg: string | undefined, cwd: string): { record: RunRecord } | { error: string } {
  try {
    return { record: readRun(resolveRun(arg, cwd, startOf)) };
  } catch (error) {
    if (error instanceof RunNotFoundError || error instanceof RunReadError) return { error: error.message };
    throw error;
  }
}
