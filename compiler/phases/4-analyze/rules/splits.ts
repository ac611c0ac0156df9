import type { AnalysisContext } from '../context.js';

/** Fractions are parts of one whole: they may leave some rows out, never count rows twice. */
export function checkSplitFractions(ctx: AnalysisContext): void {
  for (const [id, step] of Object.entries(ctx.spec.steps ?? {})) {
    if (step.op !== 'split') continue;
    const values = Object.values(step.fractions).filter((v): v is number => typeof v === 'number');
    const sum = values.reduce((a, b) => a + b, 0);
    if (sum > 1 + 1e-9) {
      ctx.report('DLC409', ['steps', id, 'fractions'], `fractions sum to ${Number(sum.toFixed(6))}, more than 1`, { hint: 'they may sum to less than 1 (the rest is left out), never more' });
    }
    for (const [name, f] of Object.entries(step.fractions)) {
      if (f === 0) ctx.report('DLC409', ['steps', id, 'fractions', name], `fraction '${name}' is 0, so that output is always empty`);
    }
  }
}
