/**
 * `dlc runs [DIR]`: the runs found under DIR (default: the current directory), its runs/ and the runs/ of
 * each directory just below it, oldest first, with their status and best objective. Exit 0, or 1 when
 * there is none.
 */
import { resolve } from 'node:path';
import type { CommandContext } from './commands.js';

export default async function runs(ctx: CommandContext): Promise<number> {
  const { findRuns } = await import('../runtime/reporters/run-records/find-runs.js');
  const { readRun, RunReadError } = await import('../runtime/reporters/run-records/read-run.js');
  const { runsList, runJson } = await import('../runtime/reporters/text/runs-list.js');
  const root = resolve(ctx.cwd, ctx.positionals[0] ?? '.');
  const records = [];
  for (const dir of findRuns(root)) {
    try {
      records.push(readRun(dir));
    } catch (error) {
      if (!(error instanceof RunReadError)) throw error;
      ctx.stderr.write(`dlc runs: skipped ${dir}: ${error.message}\n`);
    }
  }
  records.sort((a, b) => (a.startedAt ?? 0) - (b.startedAt ?? 0) || a.path.localeCompare(b.path));
  if (ctx.flags.json === true) {
    ctx.stdout.write(`${JSON.stringify(records.map((r) => runJson(r, ctx.cwd)), null, 2)}\n`);
    return records.length > 0 ? 0 : 1;
  }
  if (records.length === 0) {
    ctx.stderr.write(`dlc runs: no runs in ${root}, its runs/ or */runs/\n`);
    return 1;
  }
  ctx.stdout.write(`${runsList(records, ctx.cwd).join('\n')}\n`);
  return 0;
}
