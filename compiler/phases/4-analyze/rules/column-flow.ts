import type { TableSchema } from '../../../spec/columns.js';
import type { StepSpec } from '../../../spec/types.js';
import { stepOutputs } from '../../3-resolve/references.js';
import { joinSchema } from '../columns/join.js';
import { splitSchema } from '../columns/split.js';
import { sqlSchema } from '../columns/sql.js';
import { checkTrainColumns, trialsSchema } from '../columns/train.js';
import { transformSchema } from '../columns/transform.js';
import type { AnalysisContext, OutputInfo } from '../context.js';
import { computedMetrics } from './metrics.js';

/** Walks the DAG in order, deriving each step's output columns from its inputs' and checking every use. */
export function flowColumns(ctx: AnalysisContext): void {
  const steps = ctx.spec.steps ?? {};
  for (const id of ctx.order) {
    const step = steps[id];
    if (!step || ctx.nodes.has(id)) continue;
    const inputs = ctx.inputsOf(id);
    const outputs = new Map<string, OutputInfo>();
    const schemaOf = (field: (string | number)[]) => ctx.inputSchema(id, field);
    const table = deriveTable(ctx, id, step, schemaOf);
    for (const [name, kind] of stepOutputs(step)) outputs.set(name, { kind, ...(kind === 'table' && table !== undefined ? { schema: table } : {}) });
    if (step.op === 'train') {
      const metrics = computedMetrics(step);
      ctx.metrics.set(id, metrics);
      outputs.set('trials', { kind: 'table', schema: trialsSchema(step, metrics) });
    }
    ctx.nodes.set(id, { id, kind: 'step', op: step.op, inputs, outputs });
  }
}

function deriveTable(ctx: AnalysisContext, id: string, step: StepSpec, schemaOf: (f: (string | number)[]) => TableSchema | undefined): TableSchema | undefined {
  switch (step.op) {
    case 'transform':
      return transformSchema(ctx, id, step, schemaOf(['from']));
    case 'join':
      return joinSchema(ctx, id, step, schemaOf(['left']), schemaOf(['right']));
    case 'sql':
      return sqlSchema(ctx, id, step);
    case 'split':
      return splitSchema(ctx, id, step, schemaOf(['from']));
    case 'train':
      checkTrainColumns(ctx, id, step, schemaOf(['data', 'train']), schemaOf(['data', 'validation']));
      return undefined;
    case 'evaluate': {
      checkModelInputs(ctx, id, step.model, schemaOf(['data']), ['steps', id, 'data'], true);
      const metrics = ['loss', ...(step.metrics ?? [])];
      return metrics.map((m) => ({ name: m, type: 'float64' as const }));
    }
    case 'predict': {
      const input = schemaOf(['from']);
      checkModelInputs(ctx, id, step.model, input, ['steps', id, 'from'], false);
      if (!input) return undefined;
      const name = step.output_column ?? 'prediction';
      return [...input.filter((c) => c.name !== name), { name, type: 'int32' as const }, { name: `${name}_scores`, type: { tensor: 'float32' as const, shape: [-1] } }];
    }
    case 'export':
      return undefined;
  }
}

/** Data given to a trained model must have the columns the model was trained on. */
function checkModelInputs(ctx: AnalysisContext, id: string, modelRef: string, data: TableSchema | undefined, path: (string | number)[], needLabel: boolean): void {
  if (!data) return;
  const trainId = modelRef.split('.')[0] ?? '';
  const train = ctx.spec.steps?.[trainId];
  if (!train || train.op !== 'train') return;
  const needed = [...train.features, ...(needLabel ? [train.label] : [])];
  for (const name of needed) {
    if (data.some((c) => c.name === name)) continue;
    ctx.report('DLC401', path, `step '${id}' gives model '${modelRef}' data without column '${name}', which it was trained on`, { hint: `the model reads ${needed.join(', ')}` });
  }
}
