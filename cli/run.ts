import type { CommandContext } from './commands.js';
import { compileSpec } from './compile-spec.js';
import { planSummary } from './plan-text.js';

/**
 * `dlc run`: compiles with data checks as errors, then hands the plan to the runtime. Until the local
 * runtime exists this stops after planning and says so plainly.
 */
export default async function run(ctx: CommandContext): Promise<number> {
  const result = compileSpec(ctx, 'run');
  if (!result.ok || !result.plan) return 1;
  ctx.stdout.write(planSummary(result.plan));
  ctx.stderr.write('dlc run: this version compiles and plans the pipeline but has no execution runtime yet; nothing was run.\n');
  return 1;
}
