/**
 * `dlc show [RUN]`: one run summarised from its directory: outcome, steps, trials best first, the best
 * model and evaluation metrics. RUN is a run directory or a run's id among `dlc runs`; default the newest.
 */
import type { CommandContext } from './commands.js';

export default async function show(ctx: CommandContext): Promise<number> {
  const { openRun } = await import('../runtime/reporters/run-records/open-run.js');
  const opened = openRun(ctx.positionals[0], ctx.cwd);
  if ('error' in opened) {
    ctx.stderr.write(`dlc show: ${opened.error}\n`);
    return 1;
  }
  const record = opened.record;
  if (ctx.flags.json === true) {
    const { runJson } = await import('../runtime/reporters/text/runs-list.js');
    const { rankTrials } = await import('../runtime/reporters/view/leaderboard.js');
    const nodes = [...new Set(record.state.trials.map((t) => t.node))];
    const trials = nodes.flatMap((node) => rankTrials(record.state, node).map((r) => ({ node, trial: r.trial.trial, params: r.trial.params, status: r.trial.status, epochs: r.trial.epochs.length, objective: r.value, metrics: r.latest, seconds: r.trial.seconds ?? null })));
    const steps = record.state.nodes.map((n) => ({ node: n.id, op: n.op, status: n.status, seconds: n.seconds ?? null, rows: n.rows ?? null, metrics: n.metrics ?? null, path: n.path ?? null, error: n.error ?? null }));
    ctx.stdout.write(`${JSON.stringify({ ...runJson(record, ctx.cwd), steps, trials, outputs: record.outputs }, null, 2)}\n`);
    return 0;
  }
  const { showText } = await import('../runtime/reporters/text/show-text.js');
  ctx.stdout.write(`${showText(record, ctx.cwd).join('\n')}\n`);
  return 0;
}
