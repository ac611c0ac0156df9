/**
 * The layer types a `layers:` model may use, their arguments and what each argument accepts. One table
 * feeds the JSON Schema, the hyperparameter type checks and the runtime's model builder.
 */
export type ArgKind =
  | { kind: 'int'; min?: number }
  | { kind: 'number'; min?: number; max?: number }
  | { kind: 'bool' }
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'int_or_ints'; min?: number }
  | { kind: 'ints' };

export const ACTIVATIONS = [
  'linear', 'relu', 'relu6', 'elu', 'selu', 'sigmoid', 'hard_sigmoid', 'softmax', 'softplus', 'softsign',
  'tanh', 'swish', 'mish', 'gelu',
] as const;
export const INITIALIZERS = ['glorot_uniform', 'glorot_normal', 'he_uniform', 'he_normal', 'lecun_uniform', 'lecun_normal', 'zeros', 'ones', 'random_normal', 'random_uniform', 'truncated_normal', 'orthogonal'] as const;
export const PADDINGS = ['valid', 'same'] as const;

export interface LayerDef {
  args: Record<string, ArgKind>;
  required: readonly string[];
  /** tfjs-layers factory name (tf.layers.X). */
  tfjs: string;
}

const act = { kind: 'enum', values: ACTIVATIONS } as const;
const init = { kind: 'enum', values: INITIALIZERS } as const;
const pad = { kind: 'enum', values: PADDINGS } as const;
const l2 = { kind: 'number', min: 0 } as const;

const convArgs = {
  filters: { kind: 'int', min: 1 },
  kernel_size: { kind: 'int_or_ints', min: 1 },
  strides: { kind: 'int_or_ints', min: 1 },
  padding: pad,
  dilation_rate: { kind: 'int_or_ints', min: 1 },
  activation: act,
  use_bias: { kind: 'bool' },
  kernel_initializer: init,
  kernel_l2: l2,
} as const;
const poolArgs = { pool_size: { kind: 'int_or_ints', min: 1 }, strides: { kind: 'int_or_ints', min: 1 }, padding: pad } as const;
const rnnArgs = {
  units: { kind: 'int', min: 1 },
  activation: act,
  recurrent_activation: act,
  return_sequences: { kind: 'bool' },
  dropout: { kind: 'number', min: 0, max: 1 },
  recurrent_dropout: { kind: 'number', min: 0, max: 1 },
  use_bias: { kind: 'bool' },
} as const;

export const LAYERS: Record<string, LayerDef> = {
  dense: { tfjs: 'dense', required: ['units'], args: { units: { kind: 'int', min: 1 }, activation: act, use_bias: { kind: 'bool' }, kernel_initializer: init, kernel_l2: l2 } },
  conv1d: { tfjs: 'conv1d', required: ['filters', 'kernel_size'], args: convArgs },
  conv2d: { tfjs: 'conv2d', required: ['filters', 'kernel_size'], args: convArgs },
  depthwise_conv2d: { tfjs: 'depthwiseConv2d', required: ['kernel_size'], args: { kernel_size: { kind: 'int_or_ints', min: 1 }, depth_multiplier: { kind: 'int', min: 1 }, strides: { kind: 'int_or_ints', min: 1 }, padding: pad, activation: act, use_bias: { kind: 'bool' } } },
  separable_conv2d: { tfjs: 'separableConv2d', required: ['filters', 'kernel_size'], args: { ...convArgs, depth_multiplier: { kind: 'int', min: 1 } } },
  max_pooling1d: { tfjs: 'maxPooling1d', required: [], args: poolArgs },
  max_pooling2d: { tfjs: 'maxPooling2d', required: [], args: poolArgs },
  average_pooling1d: { tfjs: 'averagePooling1d', required: [], args: poolArgs },
  average_pooling2d: { tfjs: 'averagePooling2d', required: [], args: poolArgs },
  global_average_pooling1d: { tfjs: 'globalAveragePooling1d', required: [], args: {} },
  global_average_pooling2d: { tfjs: 'globalAveragePooling2d', required: [], args: {} },
  global_max_pooling1d: { tfjs: 'globalMaxPooling1d', required: [], args: {} },
  global_max_pooling2d: { tfjs: 'globalMaxPooling2d', required: [], args: {} },
  flatten: { tfjs: 'flatten', required: [], args: {} },
  dropout: { tfjs: 'dropout', required: ['rate'], args: { rate: { kind: 'number', min: 0, max: 1 } } },
  spatial_dropout1d: { tfjs: 'spatialDropout1d', required: ['rate'], args: { rate: { kind: 'number', min: 0, max: 1 } } },
  batch_normalization: { tfjs: 'batchNormalization', required: [], args: { momentum: { kind: 'number', min: 0, max: 1 }, epsilon: { kind: 'number', min: 0 }, axis: { kind: 'int' }, center: { kind: 'bool' }, scale: { kind: 'bool' } } },
  layer_normalization: { tfjs: 'layerNormalization', required: [], args: { epsilon: { kind: 'number', min: 0 }, axis: { kind: 'int' } } },
  lstm: { tfjs: 'lstm', required: ['units'], args: rnnArgs },
  gru: { tfjs: 'gru', required: ['units'], args: rnnArgs },
  simple_rnn: { tfjs: 'simpleRNN', required: ['units'], args: rnnArgs },
  embedding: { tfjs: 'embedding', required: ['input_dim', 'output_dim'], args: { input_dim: { kind: 'int', min: 1 }, output_dim: { kind: 'int', min: 1 }, input_length: { kind: 'int', min: 1 }, mask_zero: { kind: 'bool' } } },
  activation: { tfjs: 'activation', required: ['activation'], args: { activation: act } },
  reshape: { tfjs: 'reshape', required: ['target_shape'], args: { target_shape: { kind: 'ints' } } },
  zero_padding2d: { tfjs: 'zeroPadding2d', required: [], args: { padding: { kind: 'int_or_ints', min: 0 } } },
  up_sampling2d: { tfjs: 'upSampling2d', required: [], args: { size: { kind: 'int_or_ints', min: 1 } } },
};

export const LAYER_NAMES = Object.keys(LAYERS);
