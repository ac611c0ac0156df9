/**
 * `dlc report [RUN] [-o FILE]`: writes one self-contained HTML page about a run (default RUN/report.html)
 * and prints its path. RUN is a run directory or a run id among `dlc runs`; default the newest.
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { CommandContext } from './commands.js';

export default async function report(ctx: CommandContext): Promise<number> {
  const { openRun } = await import('../runtime/reporters/run-records/open-run.js');
  const opened = openRun(ctx.positionals[0], ctx.cwd);
  if ('error' in opened) {
    ctx.stderr.write(`dlc report: ${opened.error}\n`);
    return 1;
  }
  const { reportHtml } = await import('../runtime/reporters/html/report-html.js');
  const out = typeof ctx.flags.output === 'string' ? resolve(ctx.cwd, ctx.flags.output) : join(opened.record.path, 'report.html');
  try {
    writeFileSync(out, reportHtml(opened.record, { cwd: ctx.cwd }));
  } catch (error) {
    ctx.stderr.write(`dlc report: cannot write ${out}: ${(error as Error).message}\n`);
    return 1;
  }
  ctx.stdout.write(`${out}\n`);
  return 0;
}
