import type { CommandContext } from './commands.js';
import { compileSpec } from './compile-spec.js';
import { planDot, planExplain, planSummary } from './plan-text.js';
import { UsageError } from './usage-error.js';

export default async function plan(ctx: CommandContext): Promise<number> {
  const modes = ['json', 'dot', 'explain'].filter((m) => ctx.flags[m]);
  if (modes.length > 1) throw new UsageError(`choose one of --json, --dot, --explain (got ${modes.map((m) => `--${m}`).join(' and ')})`);
  const result = compileSpec(ctx, 'plan');
  if (!result.ok || !result.plan) return 1;
  const p = result.plan;
  if (ctx.flags.json) ctx.stdout.write(`${JSON.stringify(p, null, 2)}\n`);
  else if (ctx.flags.dot) ctx.stdout.write(planDot(p));
  else if (ctx.flags.explain) ctx.stdout.write(planExplain(p));
  else ctx.stdout.write(planSummary(p));
  return 0;
}
