/** The closed vocabularies of the spec language, shared by the schema, the rules and the runtime. */
export const OPS = ['transform', 'join', 'sql', 'split', 'train', 'evaluate', 'predict', 'export'] as const;
export type Op = (typeof OPS)[number];

export const SOURCE_FORMATS = ['idx', 'csv', 'jsonl', 'parquet', 'arrow'] as const;
export const SCALAR_TYPES = ['bool', 'int8', 'int16', 'int32', 'int64', 'uint8', 'float32', 'float64', 'string', 'date', 'timestamp'] as const;
export type ScalarType = (typeof SCALAR_TYPES)[number];
export const TENSOR_DTYPES = ['uint8', 'int32', 'float32'] as const;

export const JOIN_TYPES = ['inner', 'left', 'right', 'full', 'semi', 'anti'] as const;
export const JOIN_STRATEGIES = ['auto', 'broadcast', 'shuffle_hash', 'sort_merge', 'colocated'] as const;
export const EXPORT_FORMATS = ['parquet', 'arrow', 'csv', 'json', 'tfjs'] as const;

export const OPTIMIZERS = ['sgd', 'momentum', 'adam', 'adamax', 'rmsprop', 'adagrad', 'adadelta'] as const;
export const LOSSES = [
  'sparse_categorical_crossentropy', 'categorical_crossentropy', 'binary_crossentropy',
  'mean_squared_error', 'mean_absolute_error', 'huber', 'hinge',
] as const;
export const METRICS = ['accuracy', 'top_k_accuracy', 'precision', 'recall', 'auc', 'mse', 'mae', 'rmse'] as const;

export const SEARCH_ALGORITHMS = ['grid', 'random', 'tpe', 'hyperband', 'asha', 'pbt'] as const;
export const SPACE_KINDS = ['choice', 'grid', 'uniform', 'quniform', 'loguniform', 'int', 'logint', 'normal'] as const;
export type SpaceKind = (typeof SPACE_KINDS)[number];

export const PARALLELISM = ['auto', 'hopper', 'task', 'data', 'model', 'hybrid'] as const;
export const DATA_SYNC = ['allreduce', 'parameter_server', 'async', 'ssp', 'average'] as const;
export const NORMALIZE_KINDS = ['standard', 'minmax'] as const;

/** Outputs each op produces: `default` is the output a bare `step` reference means. */
export const OP_OUTPUTS: Record<Op, { kind: 'table' | 'model'; names: readonly string[] | 'fractions' }> = {
  transform: { kind: 'table', names: ['default'] },
  join: { kind: 'table', names: ['default'] },
  sql: { kind: 'table', names: ['default'] },
  split: { kind: 'table', names: 'fractions' },
  train: { kind: 'model', names: ['best', 'trials'] },
  evaluate: { kind: 'table', names: ['default'] },
  predict: { kind: 'table', names: ['default'] },
  export: { kind: 'table', names: [] },
};

export const ID_PATTERN = /^[a-z][a-z0-9_]*$/;
export const SIZE_PATTERN = /^\s*(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)?\s*$/;
