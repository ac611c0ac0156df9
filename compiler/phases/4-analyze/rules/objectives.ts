import { didYouMean } from '../../../diagnostics/did-you-mean.js';
import type { AnalysisContext } from '../context.js';
import { computedMetrics } from './metrics.js';

/** The objective and early stopping may only watch metrics the step computes. */
export function checkObjectives(ctx: AnalysisContext): void {
  for (const [id, step] of Object.entries(ctx.spec.steps ?? {})) {
    if (step.op !== 'train') continue;
    const metrics = ctx.metrics.get(id) ?? computedMetrics(step);
    const check = (metric: string, path: (string | number)[], what: string) => {
      if (metrics.includes(metric)) return;
      const noValidation = metric.startsWith('val_') && step.data.validation === undefined;
      ctx.report('DLC407', path, `${what} '${metric}' is not a metric this step computes${didYouMean(metric, metrics)}`, {
        hint: noValidation ? 'val_ metrics need data.validation' : `it computes: ${metrics.join(', ')}`,
      });
    };
    if (step.search) check(step.search.objective.metric, ['steps', id, 'search', 'objective', 'metric'], 'objective');
    if (step.early_stopping) check(step.early_stopping.monitor, ['steps', id, 'early_stopping', 'monitor'], 'early stopping monitors');
    if (step.search?.objective) {
      const { metric, mode } = step.search.objective;
      const lowerIsBetter = /loss|error|mse|mae|rmse/.test(metric);
      if ((lowerIsBetter && mode === 'max') || (/accuracy|auc|precision|recall/.test(metric) && mode === 'min')) {
        ctx.report('DLC407', ['steps', id, 'search', 'objective', 'mode'], `mode '${mode}' ${mode === 'max' ? 'maximizes' : 'minimizes'} '${metric}', which would pick the worst model`, { severity: 'warning', hint: `use mode: ${mode === 'max' ? 'min' : 'max'}` });
      }
    }
  }
}
