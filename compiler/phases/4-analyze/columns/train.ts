import { type Column, formatColumnType, isTensorType, type TableSchema } from '../../../spec/columns.js';
import type { TrainStep } from '../../../spec/types.js';
import type { AnalysisContext } from '../context.js';
import { requireColumn } from './check.js';

/** Features and label must exist in the training data (and the validation data, when given). */
export function checkTrainColumns(ctx: AnalysisContext, id: string, step: TrainStep, train: TableSchema | undefined, validation: TableSchema | undefined): void {
  const base = ['steps', id];
  const features: Column[] = [];
  step.features.forEach((f, i) => {
    const c = requireColumn(ctx, train, f, [...base, 'features', i], `the training data '${step.data.train}'`);
    if (c) features.push(c);
    else if (train === undefined) requireColumn(ctx, validation, f, [...base, 'features', i], `the validation data '${step.data.validation}'`);
  });
  const label = requireColumn(ctx, train, step.label, [...base, 'label'], `the training data '${step.data.train}'`);
  if (label && isTensorType(label.type) && String(step.loss).startsWith('sparse_')) {
    ctx.report('DLC402', [...base, 'label'], `label '${step.label}' is a tensor (${formatColumnType(label.type)}), but ${step.loss} expects integer class ids`, { hint: 'use categorical_crossentropy for one-hot labels' });
  }
  if (train && validation) {
    for (const c of [...features, ...(label ? [label] : [])]) {
      const v = validation.find((x) => x.name === c.name);
      if (!v) requireColumn(ctx, validation, c.name, [...base, 'data', 'validation'], `the validation data '${step.data.validation}'`);
    }
  }
  checkInputShape(ctx, id, step, features);
}

/** The features' elements per row must equal the model's input shape, when both are known. */
function checkInputShape(ctx: AnalysisContext, id: string, step: TrainStep, features: Column[]): void {
  const shape = step.model.input_shape;
  if (!shape || (!step.model.layers && !step.model.module) || features.length !== step.features.length) return;
  if (!shape.every((d): d is number => typeof d === 'number')) return;
  let elements = 0;
  for (const f of features) {
    if (isTensorType(f.type)) {
      if (f.type.shape.some((d) => d < 0)) return;
      elements += f.type.shape.reduce((a, b) => a * b, 1);
    } else elements += 1;
  }
  const want = shape.reduce((a, b) => a * b, 1);
  if (want !== elements) {
    const got = features.map((f) => `${f.name}: ${formatColumnType(f.type)}`).join(', ');
    ctx.report('DLC418', ['steps', id, 'model', 'input_shape'], `input_shape [${shape.join(', ')}] holds ${want} values per example, but the features give ${elements} (${got})`);
  }
}

/** The trials table: one row per trial with its parameters, status and final metrics. */
export function trialsSchema(step: TrainStep, metrics: string[]): TableSchema {
  const cols: Column[] = [
    { name: 'trial', type: 'int32' },
    { name: 'status', type: 'string' },
    { name: 'epochs', type: 'int32' },
  ];
  for (const [name, entry] of Object.entries(step.search?.space ?? {})) {
    const values = entry.choice ?? entry.grid;
    const numeric = values ? values.every((v) => typeof v === 'number') : true;
    cols.push({ name: `param_${name}`, type: numeric ? 'float64' : 'string', nullable: entry.when !== undefined });
  }
  for (const m of metrics) cols.push({ name: m, type: 'float64', nullable: true });
  cols.push({ name: 'seconds', type: 'float64' });
  return cols;
}
