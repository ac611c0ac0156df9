import type { AnalysisContext } from '../context.js';

/** A transform, join, sql, split or predict that nothing reads does work for nobody. */
export function checkUnusedSteps(ctx: AnalysisContext): void {
  const read = new Set(ctx.references.map((r) => `${r.target}.${r.output}`));
  const readIds = new Set(ctx.references.map((r) => r.target));
  for (const [id, step] of Object.entries(ctx.spec.steps ?? {})) {
    if (step.op === 'train' || step.op === 'evaluate' || step.op === 'export') continue;
    if (step.op === 'split') {
      for (const name of Object.keys(step.fractions)) {
        if (!read.has(`${id}.${name}`) && readIds.has(id)) {
          ctx.report('DLC417', ['steps', id, 'fractions', name], `split output '${id}.${name}' is never used`, { prefer: 'key' });
        }
      }
    }
    if (!readIds.has(id)) ctx.report('DLC417', ['steps', id], `step '${id}' is never used: nothing reads its output`, { prefer: 'key', hint: 'read it from another step, export it, or remove it' });
  }
  for (const id of Object.keys(ctx.spec.sources ?? {})) {
    if (!readIds.has(id)) ctx.report('DLC417', ['sources', id], `source '${id}' is never used`, { prefer: 'key' });
  }
}
