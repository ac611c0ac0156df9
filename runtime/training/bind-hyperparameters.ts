/**
 * Substitutes one configuration's hyperparameter values into a train step. The compiler leaves `${hp.x}` in
 * place (values are chosen per trial at run time); the trainer needs plain values. The spec's rule: a scalar
 * that is exactly `${hp.x}` takes the value itself with its type, inside a longer string it is text.
 */
import type { LayerItem, ModelSpec, TrainStep } from '../../compiler/spec/types.js';

/** One configuration: hyperparameter name to value. */
export type HpValues = Readonly<Record<string, unknown>>;

/** Optimizer as a bound step gives it: a name, or a name with settings. */
export type BoundOptimizerSpec = string | ({ name: string } & Record<string, unknown>);

export interface BoundModelSpec extends Omit<ModelSpec, 'input_shape' | 'layers'> {
  input_shape?: number[];
  layers?: LayerItem[];
}

/** A train step with every `${hp.x}` replaced. Types are those the schema promises; values are not re-checked here. */
export interface BoundTrainStep
  extends Omit<TrainStep, 'model' | 'optimizer' | 'loss' | 'metrics' | 'batch_size' | 'epochs' | 'early_stopping'> {
  model: BoundModelSpec;
  optimizer?: BoundOptimizerSpec;
  loss: string;
  metrics?: string[];
  batch_size?: number;
  epochs?: number;
  early_stopping?: { monitor: string; patience?: number; min_delta?: number; mode?: 'min' | 'max' | 'auto' };
  /** The configuration the values came from: a module model's factory receives it whole. */
  params?: HpValues;
}

export class HyperparameterBindingError extends Error {
  constructor(
    message: string,
    /** Where in the step, e.g. `model.layers[0].conv2d.filters`. */
    readonly path: string,
  ) {
    super(message);
    this.name = 'HyperparameterBindingError';
  }
}

const EXACT = /^\$\{hp\.([A-Za-z_][A-Za-z0-9_]*)\}$/;
const EMBEDDED = /\$\{hp\.([A-Za-z_][A-Za-z0-9_]*)\}/g;

/**
 * Returns a bound copy of `step`; the input is not modified. `search` is copied as is: it defines the
 * hyperparameters rather than using them. A reference to a hyperparameter `hp` lacks is an error naming it
 * and where it is used (the compiler checks this too, but a configuration can come from outside, e.g. a
 * resumed run).
 */
export function bindTrainStep(step: TrainStep, hp: HpValues): BoundTrainStep {
  const { search, ...rest } = step;
  const bound = bindValue(rest, hp, '') as BoundTrainStep;
  if (search !== undefined) bound.search = structuredClone(search);
  bound.params = structuredClone(hp);
  return bound;
}

/** Binds any JSON-like value (objects, arrays, scalars); `path` prefixes error locations. */
export function bindValue(value: unknown, hp: HpValues, path = ''): unknown {
  if (typeof value === 'string') return bindString(value, hp, path);
  if (Array.isArray(value)) return value.map((item, i) => bindValue(item, hp, `${path}[${i}]`));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = bindValue(item, hp, path === '' ? key : `${path}.${key}`);
    return out;
  }
  return value;
}

function bindString(text: string, hp: HpValues, path: string): unknown {
  const exact = EXACT.exec(text);
  if (exact) return copy(lookup(exact[1]!, hp, path));
  if (!text.includes('${hp.')) return text;
  return text.replace(EMBEDDED, (_match, name: string) => asText(lookup(name, hp, path), name, path));
}

function lookup(name: string, hp: HpValues, path: string): unknown {
  if (!Object.hasOwn(hp, name)) {
    const known = Object.keys(hp);
    throw new HyperparameterBindingError(
      `${path || 'value'} uses \${hp.${name}} but the configuration has no '${name}'` +
        (known.length > 0 ? ` (it has: ${known.join(', ')})` : ' (it is empty)'),
      path,
    );
  }
  return hp[name];
}

function asText(value: unknown, name: string, path: string): string {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new HyperparameterBindingError(
    `${path || 'value'} embeds \${hp.${name}} in text, but its value is ${value === null ? 'null' : typeof value}, not a scalar`,
    path,
  );
}

/** Values from a configuration may be shared between trials; a bound step must not alias them. */
function copy(value: unknown): unknown {
  return value !== null && typeof value === 'object' ? structuredClone(value) : value;
}
