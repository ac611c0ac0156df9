import { exportFormatOf } from '../../../spec/export-format.js';
import type { AnalysisContext } from '../context.js';

/** Options an export's format does not take are mistakes to say before anything runs, not after. */
export function checkExportOptions(ctx: AnalysisContext): void {
  for (const [id, step] of Object.entries(ctx.spec.steps ?? {})) {
    if (step.op !== 'export' || step.compression === undefined || typeof step.path !== 'string') continue;
    const format = exportFormatOf(step);
    if (format === undefined || format === 'parquet') continue;
    ctx.report('DLC428', ['steps', id, 'compression'], `compression applies to Parquet exports only, and this export writes ${format}`, {
      hint: 'remove it, or export to a .parquet path (format: parquet)',
    });
  }
}
