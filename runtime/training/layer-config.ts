/**
 * Translates one `layers:` item (snake_case layer and argument names, as in the catalog) into the config
 * object its tfjs-layers factory takes. Arguments are checked against the catalog's kinds here as well as
 * by the compiler, because hyperparameter values arrive only at run time.
 */
import type { Tf } from '../engine/index.js';
import { LAYERS, type ArgKind, type LayerDef } from '../../compiler/spec/layers.js';
import type { LayerItem } from '../../compiler/spec/types.js';
import { deriveSeed } from './seeds.js';

export class ModelSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelSpecError';
  }
}

/** Activation names of the spec (Keras spelling) to tfjs-layers identifiers. */
export const TFJS_ACTIVATIONS: Readonly<Record<string, string>> = {
  linear: 'linear', relu: 'relu', relu6: 'relu6', elu: 'elu', selu: 'selu', sigmoid: 'sigmoid',
  hard_sigmoid: 'hardSigmoid', softmax: 'softmax', softplus: 'softplus', softsign: 'softsign', tanh: 'tanh',
  swish: 'swish', mish: 'mish', gelu: 'gelu',
};

/** Initializer names of the spec to tf.initializers factories. */
export const TFJS_INITIALIZERS: Readonly<Record<string, string>> = {
  glorot_uniform: 'glorotUniform', glorot_normal: 'glorotNormal', he_uniform: 'heUniform', he_normal: 'heNormal',
  lecun_uniform: 'leCunUniform', lecun_normal: 'leCunNormal', zeros: 'zeros', ones: 'ones',
  random_normal: 'randomNormal', random_uniform: 'randomUniform', truncated_normal: 'truncatedNormal',
  orthogonal: 'orthogonal',
};

/**
 * Every randomly initialised weight of each layer: the tfjs config key and the tfjs default, so a seeded
 * initializer of the same kind can be passed when the spec names none. `from` is the spec argument that
 * overrides it. Weights initialised to constants (biases, normalisation gamma/beta) need no seed. The
 * defaults are tfjs's (glorotNormal for dense and convolution kernels, where Keras uses glorot_uniform), so a
 * spec's model starts like the same layers built directly in tfjs.
 */
const RANDOM_WEIGHTS: Readonly<Record<string, readonly { key: string; tfjsDefault: string; from?: string }[]>> = {
  dense: [{ key: 'kernelInitializer', tfjsDefault: 'glorotNormal', from: 'kernel_initializer' }],
  conv1d: [{ key: 'kernelInitializer', tfjsDefault: 'glorotNormal', from: 'kernel_initializer' }],
  conv2d: [{ key: 'kernelInitializer', tfjsDefault: 'glorotNormal', from: 'kernel_initializer' }],
  depthwise_conv2d: [{ key: 'depthwiseInitializer', tfjsDefault: 'glorotNormal' }],
  separable_conv2d: [
    { key: 'depthwiseInitializer', tfjsDefault: 'glorotUniform', from: 'kernel_initializer' },
    { key: 'pointwiseInitializer', tfjsDefault: 'glorotUniform', from: 'kernel_initializer' },
  ],
  lstm: [{ key: 'kernelInitializer', tfjsDefault: 'glorotNormal' }, { key: 'recurrentInitializer', tfjsDefault: 'orthogonal' }],
  gru: [{ key: 'kernelInitializer', tfjsDefault: 'glorotNormal' }, { key: 'recurrentInitializer', tfjsDefault: 'orthogonal' }],
  simple_rnn: [{ key: 'kernelInitializer', tfjsDefault: 'glorotNormal' }, { key: 'recurrentInitializer', tfjsDefault: 'orthogonal' }],
  embedding: [{ key: 'embeddingsInitializer', tfjsDefault: 'randomUniform' }],
};

/** Spec arguments whose tfjs name is not simply the camelCase spelling, or whose value needs translating. */
const HANDLED_SEPARATELY = new Set(['activation', 'recurrent_activation', 'kernel_initializer', 'kernel_l2']);

export interface LayerPlan {
  /** Catalog name, e.g. `conv2d`. */
  name: string;
  /** tf.layers factory name, e.g. `conv2d`. */
  factory: string;
  config: Record<string, unknown>;
}

/** Splits a `layers:` item into its layer name and arguments, checking the item's form. */
export function layerItemParts(item: LayerItem, index: number): { name: string; args: Record<string, unknown> } {
  const keys = item !== null && typeof item === 'object' ? Object.keys(item) : [];
  if (keys.length !== 1) {
    throw new ModelSpecError(`layers[${index}] must have exactly one key, the layer type (has ${keys.length === 0 ? 'none' : keys.join(', ')})`);
  }
  const name = keys[0]!;
  const args = item[name];
  if (args !== null && args !== undefined && (typeof args !== 'object' || Array.isArray(args))) {
    throw new ModelSpecError(`layers[${index}] (${name}): arguments must be a mapping`);
  }
  return { name, args: args ?? {} };
}

/**
 * The tfjs config of layer `index`. `seed` makes random initial weights reproducible: each weight gets its
 * own seed derived from it, the layer's position and the weight's role.
 */
export function planLayer(tf: Tf, item: LayerItem, index: number, seed: number): LayerPlan {
  const { name, args } = layerItemParts(item, index);
  const def = LAYERS[name];
  if (def === undefined) {
    throw new ModelSpecError(`layers[${index}]: unknown layer type '${name}' (known: ${Object.keys(LAYERS).join(', ')})`);
  }
  checkArgs(name, def, args, index);

  const config: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(args)) {
    if (!HANDLED_SEPARATELY.has(key)) config[camelCase(key)] = value;
  }
  if (typeof args.activation === 'string') config.activation = TFJS_ACTIVATIONS[args.activation];
  if (typeof args.recurrent_activation === 'string') config.recurrentActivation = TFJS_ACTIVATIONS[args.recurrent_activation];

  for (const slot of RANDOM_WEIGHTS[name] ?? []) {
    const chosen = slot.from !== undefined && typeof args[slot.from] === 'string' ? TFJS_INITIALIZERS[args[slot.from] as string]! : slot.tfjsDefault;
    config[slot.key] = seededInitializer(tf, chosen, deriveSeed(seed, 'init', index, slot.key));
  }
  if (typeof args.kernel_l2 === 'number' && args.kernel_l2 > 0) {
    // A separable convolution has two kernels (depthwise and pointwise); kernel_l2 penalises both.
    const keys = name === 'separable_conv2d' ? ['depthwiseRegularizer', 'pointwiseRegularizer'] : ['kernelRegularizer'];
    for (const key of keys) config[key] = tf.regularizers.l2({ l2: args.kernel_l2 });
  }
  return { name, factory: def.tfjs, config };
}

/** Same kind and defaults as the named tfjs initializer (randomUniform's range is Keras's ±0.05), plus a seed. */
function seededInitializer(tf: Tf, name: string, seed: number): unknown {
  const factories = tf.initializers as unknown as Record<string, (config: Record<string, unknown>) => unknown>;
  const factory = factories[name];
  if (factory === undefined) throw new ModelSpecError(`tfjs has no initializer '${name}'`);
  if (name === 'zeros' || name === 'ones') return factory({});
  return factory({ seed });
}

function checkArgs(name: string, def: LayerDef, args: Record<string, unknown>, index: number): void {
  const where = `layers[${index}] (${name})`;
  for (const required of def.required) {
    if (args[required] === undefined) throw new ModelSpecError(`${where}: '${required}' is required`);
  }
  for (const [key, value] of Object.entries(args)) {
    const kind = def.args[key];
    if (kind === undefined) {
      const known = Object.keys(def.args);
      throw new ModelSpecError(`${where}: unknown argument '${key}'${known.length > 0 ? ` (known: ${known.join(', ')})` : ' (it takes none)'}`);
    }
    const problem = argProblem(kind, value);
    if (problem !== undefined) throw new ModelSpecError(`${where}: '${key}' ${problem}, got ${JSON.stringify(value)}`);
  }
}

function argProblem(kind: ArgKind, value: unknown): string | undefined {
  const isInt = (v: unknown, min?: number) => Number.isInteger(v) && (min === undefined || (v as number) >= min);
  const atLeast = 'min' in kind && kind.min !== undefined ? ` >= ${kind.min}` : '';
  switch (kind.kind) {
    case 'int':
      return isInt(value, kind.min) ? undefined : `must be an integer${atLeast}`;
    case 'number': {
      const ok = typeof value === 'number' && Number.isFinite(value) && (kind.min === undefined || value >= kind.min) && (kind.max === undefined || value <= kind.max);
      const range = kind.min !== undefined && kind.max !== undefined ? ` in [${kind.min}, ${kind.max}]` : atLeast;
      return ok ? undefined : `must be a number${range}`;
    }
    case 'bool':
      return typeof value === 'boolean' ? undefined : 'must be true or false';
    case 'enum':
      return typeof value === 'string' && kind.values.includes(value) ? undefined : `must be one of ${kind.values.join(', ')}`;
    case 'int_or_ints':
      return isInt(value, kind.min) || (Array.isArray(value) && value.length > 0 && value.every((v) => isInt(v, kind.min)))
        ? undefined
        : `must be an integer${atLeast} or a list of them`;
    case 'ints':
      return Array.isArray(value) && value.length > 0 && value.every((v) => Number.isInteger(v)) ? undefined : 'must be a list of integers';
  }
}

function camelCase(snake: string): string {
  return snake.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}
