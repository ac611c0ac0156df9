import { diag } from '../../diagnostics/codes.js';
import { didYouMean } from '../../diagnostics/did-you-mean.js';
import type { Diagnostic } from '../../diagnostics/types.js';
import type { DocPath } from '../../source/doc-path.js';
import type { LocationTable } from '../../source/locations.js';
import type { Spec, StepSpec } from '../../spec/types.js';
import { OP_OUTPUTS } from '../../spec/vocabulary.js';

export type OutputKind = 'table' | 'model';

/** One edge of the DAG: exactly one reference string in the spec. */
export interface Reference {
  /** The step that reads. */
  step: string;
  /** Where the reference is written, e.g. steps.search.data.train. */
  path: DocPath;
  /** The id read from, a source or a step. */
  target: string;
  /** The output read; `default` for a bare id. */
  output: string;
  kind: OutputKind;
}

/** The reference fields of each op and the kind of output each expects. */
export function referenceFields(step: StepSpec): { field: DocPath; ref: string; expects: OutputKind | 'any' }[] {
  switch (step.op) {
    case 'transform':
    case 'split':
      return [{ field: ['from'], ref: step.from, expects: 'table' }];
    case 'join':
      return [
        { field: ['left'], ref: step.left, expects: 'table' },
        { field: ['right'], ref: step.right, expects: 'table' },
      ];
    case 'sql':
      return Object.entries(step.inputs).map(([alias, ref]) => ({ field: ['inputs', alias], ref, expects: 'table' as const }));
    case 'train':
      return [
        { field: ['data', 'train'], ref: step.data.train, expects: 'table' },
        ...(step.data.validation !== undefined ? [{ field: ['data', 'validation'], ref: step.data.validation, expects: 'table' as const }] : []),
      ];
    case 'evaluate':
      return [
        { field: ['model'], ref: step.model, expects: 'model' },
        { field: ['data'], ref: step.data, expects: 'table' },
      ];
    case 'predict':
      return [
        { field: ['model'], ref: step.model, expects: 'model' },
        { field: ['from'], ref: step.from, expects: 'table' },
      ];
    case 'export':
      return [{ field: ['from'], ref: step.from, expects: 'any' }];
  }
}

/** The named outputs of a step and their kinds. */
export function stepOutputs(step: StepSpec): Map<string, OutputKind> {
  const out = new Map<string, OutputKind>();
  if (step.op === 'split') for (const name of Object.keys(step.fractions ?? {})) out.set(name, 'table');
  else if (step.op === 'train') {
    out.set('best', 'model');
    out.set('trials', 'table');
  } else for (const name of OP_OUTPUTS[step.op].names) out.set(name, 'table');
  return out;
}

/** Resolves every reference string to a source or step output, reporting each bad one at its own location. */
export function resolveReferences(spec: Spec, locations: LocationTable, diagnostics: Diagnostic[]): Reference[] {
  const sources = spec.sources ?? {};
  const steps = spec.steps ?? {};
  const ids = [...Object.keys(sources), ...Object.keys(steps)];
  const refs: Reference[] = [];
  for (const [id, step] of Object.entries(steps)) {
    for (const { field, ref, expects } of referenceFields(step)) {
      if (typeof ref !== 'string') continue;
      const path: DocPath = ['steps', id, ...field];
      const at = locations.locate(path);
      const [target, output] = ref.split('.', 2) as [string, string | undefined];
      if (target === id) {
        diagnostics.push(diag('DLC309', at, path, `step '${id}' cannot read its own output`));
        continue;
      }
      if (Object.prototype.hasOwnProperty.call(sources, target)) {
        if (output !== undefined) {
          diagnostics.push(diag('DLC310', at, path, `source '${target}' has one output; write '${target}', not '${ref}'`));
          continue;
        }
        if (expects === 'model') {
          diagnostics.push(diag('DLC311', at, path, `expected a model (such as a train step's 'best'), but '${ref}' is a source table`));
          continue;
        }
        refs.push({ step: id, path, target, output: 'default', kind: 'table' });
        continue;
      }
      const other = Object.prototype.hasOwnProperty.call(steps, target) ? steps[target] : undefined;
      if (!other) {
        diagnostics.push(diag('DLC309', at, path, `no source or step named '${target}'${didYouMean(target, ids)}`));
        continue;
      }
      const outputs = stepOutputs(other);
      const names = [...outputs.keys()];
      let name = output;
      if (name === undefined) {
        if (outputs.has('default')) name = 'default';
        else if (names.length === 0) {
          diagnostics.push(diag('DLC310', at, path, `step '${target}' (op ${other.op}) has no output to read`));
          continue;
        } else {
          diagnostics.push(diag('DLC310', at, path, `step '${target}' has several outputs; name one: ${names.map((n) => `${target}.${n}`).join(', ')}`));
          continue;
        }
      }
      const kind = outputs.get(name);
      if (kind === undefined) {
        const shown = names.filter((n) => n !== 'default');
        diagnostics.push(
          diag('DLC310', at, path, `step '${target}' has no output '${name}'${didYouMean(name, shown)}`, {
            hint: shown.length ? `its outputs: ${shown.map((n) => `${target}.${n}`).join(', ')}` : `write '${target}'`,
          }),
        );
        continue;
      }
      if (expects !== 'any' && kind !== expects) {
        const what = expects === 'model' ? 'a model (such as a train step\'s \'best\')' : 'a table';
        diagnostics.push(diag('DLC311', at, path, `expected ${what}, but '${ref}' is a ${kind}`));
        continue;
      }
      refs.push({ step: id, path, target, output: name, kind });
    }
  }
  return refs;
}
