/**
 * The single source of truth for the spec's shape. `dlc schema` prints it, the build precompiles it
 * into a standalone validator, and `specs/pipeline.schema.json` is this object, checked in (a test keeps
 * them equal). `x-expect` annotations phrase what a place accepts, for error messages.
 */
import { type ArgKind, LAYERS } from '../spec/layers.js';
import {
  DATA_SYNC, EXPORT_FORMATS, JOIN_STRATEGIES, JOIN_TYPES, LOSSES, METRICS, NORMALIZE_KINDS, OPTIMIZERS,
  SCALAR_TYPES, SEARCH_ALGORITHMS, SOURCE_FORMATS, TENSOR_DTYPES,
} from '../spec/vocabulary.js';

type Schema = Record<string, unknown>;

/**
 * Leaf schemas repeat hundreds of times (every layer argument, every column name). Each distinct one is
 * stored once under `$defs` and referenced, which keeps the precompiled validator small: it loads and
 * first runs several times faster than with every copy inlined.
 */
const defs: Record<string, Schema> = {};
const defNames = new Map<string, string>();
function shared(name: string, schema: Schema): Schema {
  const key = JSON.stringify(schema);
  let n = defNames.get(key);
  if (n === undefined) {
    n = defs[name] === undefined ? name : `${name}_${defNames.size}`;
    defs[n] = schema;
    defNames.set(key, n);
  }
  return { $ref: `#/$defs/${n}` };
}

/** A string that is exactly one `${...}`: it takes the type of what it names. */
export const WHOLE_INTERPOLATION = '^\\$\\{[^{}]*\\}$';

const interp = (type: 'integer' | 'number' | 'boolean', expect: string, extra: Schema = {}): Schema => ({
  type: [type, 'string'],
  pattern: WHOLE_INTERPOLATION,
  'x-expect': expect,
  ...extra,
});
const int = (min?: number, expect?: string): Schema =>
  shared(`int${min ?? ''}`, interp('integer', expect ?? (min === undefined ? 'an integer' : `an integer ≥ ${min}`), min === undefined ? {} : { minimum: min }));
const num = (min?: number, max?: number, expect?: string): Schema => {
  const extra: Schema = {};
  if (min !== undefined) extra.minimum = min;
  if (max !== undefined) extra.maximum = max;
  const range = min !== undefined && max !== undefined ? ` from ${min} to ${max}` : min !== undefined ? ` ≥ ${min}` : '';
  return shared('number', interp('number', expect ?? `a number${range}`, extra));
};
const bool = (): Schema => shared('bool', interp('boolean', 'true or false'));
const str = (expect = 'a string'): Schema => shared('string', { type: 'string', 'x-expect': expect });
/** Enumerations may also be `${hp.x}`, so a search can choose an activation or an optimizer. */
const oneOfStrings = (values: readonly string[], expect?: string): Schema => shared('enum', {
  type: 'string',
  anyOf: [{ enum: [...values] }, { pattern: WHOLE_INTERPOLATION }],
  'x-enum': [...values],
  'x-expect': expect ?? `one of ${values.join(', ')}`,
});
const closed = (properties: Record<string, Schema>, required: string[] = [], extra: Schema = {}): Schema => ({
  type: 'object',
  properties,
  ...(required.length ? { required } : {}),
  additionalProperties: false,
  ...extra,
});
const list = (items: Schema, minItems = 0, expect?: string): Schema => ({
  type: 'array',
  items,
  ...(minItems ? { minItems } : {}),
  ...(expect ? { 'x-expect': expect } : {}),
});
const ref = (expect = 'a reference to a source or step, `id` or `id.output`'): Schema => shared('ref', {
  type: 'string',
  pattern: '^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)?$',
  'x-expect': expect,
});
const column = (): Schema => shared('column', { type: 'string', minLength: 1, 'x-expect': 'a column name' });
const columns = (): Schema => shared('columns', { type: ['string', 'array'], items: column(), minItems: 1, 'x-expect': 'a column name or a list of them' });
const path = (expect = 'a file path (relative paths resolve against this spec file)'): Schema => shared('path', { type: 'string', minLength: 1, 'x-expect': expect });

const columnType: Schema = {
  type: ['string', 'object'],
  enum: undefined,
  'x-expect': `a column type (${SCALAR_TYPES.join(', ')}) or {tensor: dtype, shape: [..]}`,
  if: { type: 'string' },
  then: { enum: [...SCALAR_TYPES] },
  else: closed({ tensor: { enum: [...TENSOR_DTYPES], 'x-expect': `one of ${TENSOR_DTYPES.join(', ')}` }, shape: list({ type: 'integer', minimum: 1 }, 1, 'a list of positive integers') }, ['tensor', 'shape']),
};
delete columnType.enum;
const columnTypeRef = shared('column_type', columnType);
const declaredSchema: Schema = shared('declared_schema', { type: 'object', additionalProperties: columnTypeRef, 'x-expect': 'a map of column name to type' });

const sourceCommon = { description: str(), partitioned_by: columns() };
const sources: Schema = {
  type: 'object',
  'x-expect': 'a map of source id to source',
  additionalProperties: {
    type: 'object',
    required: ['format'],
    'x-expect': 'a source: {format: ..., ...}',
    discriminator: { propertyName: 'format' },
    oneOf: [
      closed({ format: { const: 'idx' }, images: path(), labels: path(), ...sourceCommon }, ['format', 'images']),
      closed({
        format: { const: 'csv' }, path: path('a file path or glob'), schema: declaredSchema, delimiter: { type: 'string', minLength: 1, maxLength: 1, 'x-expect': 'one character' },
        header: bool(), null_values: list(str()), on_error: { enum: ['fail', 'skip'], 'x-expect': 'fail or skip' }, ...sourceCommon,
      }, ['format', 'path']),
      closed({ format: { const: 'jsonl' }, path: path('a file path or glob'), schema: declaredSchema, on_error: { enum: ['fail', 'skip'], 'x-expect': 'fail or skip' }, ...sourceCommon }, ['format', 'path']),
      closed({ format: { const: 'parquet' }, path: path('a file path or glob'), schema: declaredSchema, ...sourceCommon }, ['format', 'path']),
      closed({ format: { const: 'arrow' }, path: path('a file path or glob'), schema: declaredSchema, ...sourceCommon }, ['format', 'path']),
    ],
  },
};

const layerArg = (a: ArgKind): Schema => {
  switch (a.kind) {
    case 'int': return int(a.min);
    case 'number': return num(a.min, a.max);
    case 'bool': return bool();
    case 'enum': return oneOfStrings(a.values);
    case 'ints': return { type: ['array', 'string'], items: int(1), pattern: WHOLE_INTERPOLATION, minItems: 1, 'x-expect': 'a list of positive integers' };
    case 'int_or_ints': {
      const min = a.min ?? 1;
      return { type: ['integer', 'array', 'string'], items: int(min), minimum: min, pattern: WHOLE_INTERPOLATION, minItems: 1, maxItems: 3, 'x-expect': `an integer ≥ ${min} or a list of them` };
    }
  }
};
const layerItem: Schema = {
  type: 'object',
  minProperties: 1,
  maxProperties: 1,
  'x-expect': 'a layer: {type: {arguments}}, e.g. {dense: {units: 10}}',
  propertyNames: { enum: Object.keys(LAYERS), 'x-kind': 'layer' },
  properties: Object.fromEntries(
    Object.entries(LAYERS).map(([name, def]) => [
      name,
      shared(`layer_${name}`, {
        type: ['object', 'null'],
        properties: Object.fromEntries(Object.entries(def.args).map(([k, v]) => [k, layerArg(v)])),
        additionalProperties: false,
        ...(def.required.length ? { required: [...def.required] } : {}),
        'x-expect': `the arguments of ${name}`,
      }),
    ]),
  ),
};
const model: Schema = {
  type: 'object',
  'x-expect': 'a model: {layers: [...]}, {module: file, export: name} or {command: [...]}',
  properties: {
    input_shape: list(int(1), 1, 'a list of positive integers'),
    layers: list(layerItem, 1, 'a list of layers'),
    module: path('a TypeScript or JavaScript module path'),
    export: str('the name of the exported factory function'),
    command: list(str(), 1, 'a command as a list of strings, e.g. [python3, train.py]'),
    env: { type: 'object', additionalProperties: str(), 'x-expect': 'a map of environment variables' },
    workdir: path(),
    persistent: bool(),
  },
  additionalProperties: false,
};
const optimizer: Schema = {
  type: ['string', 'object'],
  'x-expect': 'an optimizer name or {name, learning_rate, ...}',
  if: { type: 'string' },
  then: oneOfStrings(OPTIMIZERS),
  else: closed({
    name: oneOfStrings(OPTIMIZERS), learning_rate: num(0), momentum: num(0, 1), beta1: num(0, 1), beta2: num(0, 1),
    epsilon: num(0), rho: num(0, 1), weight_decay: num(0), clipnorm: num(0),
  }, ['name']),
};
const spaceEntry: Schema = closed({
  choice: list({}, 1, 'a non-empty list of values'),
  grid: list({}, 1, 'a non-empty list of values'),
  uniform: list({ type: 'number' }, 2, '[low, high]'),
  quniform: list({ type: 'number' }, 3, '[low, high, q]'),
  loguniform: list({ type: 'number' }, 2, '[low, high]'),
  int: list({ type: 'integer' }, 2, '[low, high] (integers, inclusive)'),
  logint: list({ type: 'integer' }, 2, '[low, high] (integers, inclusive)'),
  normal: list({ type: 'number' }, 2, '[mean, sd]'),
  when: { type: 'object', minProperties: 1, 'x-expect': 'a map of parameter name to the value it must have' },
}, [], { minProperties: 1, 'x-expect': 'a search-space entry such as {choice: [..]} or {loguniform: [lo, hi]}' });
for (const k of ['uniform', 'loguniform', 'int', 'logint', 'normal']) ((spaceEntry.properties as Record<string, Schema>)[k] as Schema).maxItems = 2;
((spaceEntry.properties as Record<string, Schema>).quniform as Schema).maxItems = 3;

const search: Schema = closed({
  algorithm: { enum: [...SEARCH_ALGORITHMS], 'x-expect': `one of ${SEARCH_ALGORITHMS.join(', ')}` },
  space: { type: 'object', minProperties: 1, additionalProperties: spaceEntry, 'x-expect': 'a map of parameter name to its distribution' },
  objective: closed({ metric: str('a metric name such as val_accuracy'), mode: { enum: ['max', 'min'], 'x-expect': 'max or min' } }, ['metric', 'mode']),
  trials: int(1), max_trials: int(1), max_epochs_total: int(1),
  time: { type: 'string', pattern: '^\\s*\\d+(\\.\\d+)?\\s*(s|m|h|d)\\s*$', 'x-expect': 'a duration such as 90s, 30m or 2h' },
  startup_trials: int(1), max_epochs: int(1), eta: int(2), grace_period: int(1), reduction_factor: int(2),
  interval: int(1), quantile: num(0, 0.5), median_stop: { type: ['boolean', 'object'], 'x-expect': 'true or {grace_period, min_trials}' },
}, ['algorithm', 'space', 'objective']);

const parallelism: Schema = {
  type: ['string', 'object'],
  'x-expect': 'auto, hopper, task, data, model, hybrid, or {strategy: ..., ...}',
  if: { type: 'string' },
  then: { enum: ['auto', 'hopper', 'task', 'data', 'model', 'hybrid'], 'x-expect': 'one of auto, hopper, task, data, model, hybrid' },
  else: {
    type: 'object',
    required: ['strategy'],
    discriminator: { propertyName: 'strategy' },
    oneOf: [
      closed({ strategy: { const: 'hopper' }, partitions: int(1) }, ['strategy']),
      closed({ strategy: { const: 'task' } }, ['strategy']),
      closed({ strategy: { const: 'data' }, sync: { enum: [...DATA_SYNC], 'x-expect': `one of ${DATA_SYNC.join(', ')}` }, staleness: int(0) }, ['strategy']),
      closed({ strategy: { const: 'model' }, stages: int(1), microbatches: int(1) }, ['strategy']),
      closed({ strategy: { const: 'hybrid' }, partitions: int(1) }, ['strategy']),
      closed({ strategy: { const: 'auto' } }, ['strategy']),
    ],
  },
};

const normalizeSpec: Schema = {
  type: ['string', 'object'],
  'x-expect': 'standard, minmax or {divide_by: n}',
  if: { type: 'string' },
  then: { enum: [...NORMALIZE_KINDS], 'x-expect': 'standard, minmax or {divide_by: n}' },
  else: closed({ divide_by: num(undefined, undefined, 'a non-zero number') }, ['divide_by']),
};
const stepCommon = { op: {}, description: str(), cache: bool() };
const steps: Schema = {
  type: 'object',
  'x-expect': 'a map of step id to step',
  additionalProperties: {
    type: 'object',
    required: ['op'],
    'x-expect': 'a step: {op: ..., ...}',
    discriminator: { propertyName: 'op' },
    oneOf: [
      closed({
        ...stepCommon, op: { const: 'transform' }, from: ref(), select: list(column(), 1), filter: str('a SQL boolean expression'),
        derive: { type: 'object', additionalProperties: str('a SQL expression'), 'x-expect': 'a map of new column to SQL expression' },
        cast: { type: 'object', additionalProperties: columnTypeRef, 'x-expect': 'a map of column to type' },
        one_hot: { type: ['array', 'object'], items: column(), additionalProperties: closed({ classes: int(2) }), 'x-expect': 'a list of columns or {column: {classes: n}}' },
        normalize: { type: 'object', additionalProperties: normalizeSpec, 'x-expect': 'a map of column to standard, minmax or {divide_by: n}' },
        dropna: { type: ['boolean', 'array'], items: column(), 'x-expect': 'true or a list of columns' },
      }, ['op', 'from']),
      closed({
        ...stepCommon, op: { const: 'join' }, left: ref(), right: ref(), on: columns(),
        how: { enum: [...JOIN_TYPES], 'x-expect': `one of ${JOIN_TYPES.join(', ')}` },
        strategy: { enum: [...JOIN_STRATEGIES], 'x-expect': `one of ${JOIN_STRATEGIES.join(', ')}` },
        bloom_filter: { enum: ['auto', true, false], 'x-expect': 'auto, true or false' },
        suffix: str('a suffix for right-side columns whose names clash'),
      }, ['op', 'left', 'right', 'on']),
      closed({
        ...stepCommon, op: { const: 'sql' }, inputs: { type: 'object', minProperties: 1, additionalProperties: ref(), 'x-expect': 'a map of alias to reference' },
        query: str('one SELECT statement'), schema: declaredSchema,
      }, ['op', 'inputs', 'query']),
      closed({
        ...stepCommon, op: { const: 'split' }, from: ref(),
        fractions: { type: 'object', minProperties: 1, additionalProperties: num(0, 1, 'a fraction between 0 and 1'), propertyNames: { pattern: '^[a-z][a-z0-9_]*$' }, 'x-expect': 'a map of output name to fraction' },
        stratify: column(), group_by: column(), seed: int(),
      }, ['op', 'from', 'fractions']),
      closed({
        ...stepCommon, op: { const: 'train' },
        data: closed({ train: ref(), validation: ref() }, ['train']),
        features: list(column(), 1, 'a list of column names'), label: column(), model,
        optimizer, loss: oneOfStrings(LOSSES), metrics: list(oneOfStrings(METRICS), 0, 'a list of metric names'),
        batch_size: int(1), epochs: int(1),
        early_stopping: closed({ monitor: str('a metric name such as val_loss'), patience: int(0), min_delta: num(0), mode: { enum: ['min', 'max', 'auto'], 'x-expect': 'min, max or auto' } }, ['monitor']),
        search, parallelism, checkpoint: closed({ every_epochs: int(1), keep: int(1) }), seed: int(),
      }, ['op', 'data', 'features', 'label', 'model', 'loss']),
      closed({ ...stepCommon, op: { const: 'evaluate' }, model: ref('a model reference such as search.best'), data: ref(), metrics: list(oneOfStrings(METRICS)) }, ['op', 'model', 'data']),
      closed({ ...stepCommon, op: { const: 'predict' }, model: ref('a model reference such as search.best'), from: ref(), output_column: column() }, ['op', 'model', 'from']),
      closed({
        ...stepCommon, op: { const: 'export' }, from: ref(), path: path(),
        format: { enum: [...EXPORT_FORMATS], 'x-expect': `one of ${EXPORT_FORMATS.join(', ')}` }, overwrite: bool(),
        compression: { enum: ['snappy', 'none'], 'x-expect': 'snappy or none (Parquet only)' },
      }, ['op', 'from', 'path']),
    ],
  },
};

const resources: Schema = closed({
  workers: { type: ['string', 'integer'], minimum: 1, pattern: '^(auto|\\$\\{[^{}]*\\})$', 'x-expect': 'auto or a number of workers ≥ 1' },
  devices: {
    type: ['string', 'array'],
    pattern: '^(auto|cpu|gpu|\\$\\{[^{}]*\\})$',
    items: { type: 'integer', minimum: 0 },
    'x-expect': 'auto, cpu, gpu or a list of GPU indexes',
  },
  memory_per_worker: { type: ['string', 'integer'], minimum: 1, pattern: '^(\\s*\\d+(\\.\\d+)?\\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)?\\s*|\\$\\{[^{}]*\\})$', 'x-expect': 'a size such as 4GiB or 512MiB' },
  cluster: closed({
    queue: { type: 'string', pattern: '^(rediss?://.+|\\$\\{[^{}]*\\})$', 'x-expect': 'a redis:// or rediss:// URL' },
    store: path('a shared directory path'),
    password_env: str('the name of an environment variable holding the Redis password'),
    password_file: path('a file holding the Redis password'),
  }, ['queue']),
});

const topLevel: Schema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://dlc.dev/schemas/pipeline-1.json',
  title: 'dlc pipeline spec, version 1',
  type: 'object',
  'x-expect': 'a spec: a mapping with dlc, name, sources, steps, ...',
  required: ['dlc', 'name'],
  additionalProperties: false,
  properties: {
    $schema: { type: 'string' },
    dlc: { const: 1, 'x-expect': 'the format version, 1' },
    name: { type: 'string', minLength: 1, 'x-expect': 'a name for the pipeline' },
    description: str(),
    seed: int(undefined, 'an integer seed'),
    include: { type: ['string', 'array'], items: path(), minLength: 1, 'x-expect': 'a file path or a list of them' },
    vars: {
      type: 'object',
      'x-expect': 'a map of variable name to value',
      properties: { env_allow: list({ type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$', 'x-expect': 'an environment variable name' }, 0, 'a list of environment variable names') },
    },
    resources,
    sources,
    steps,
  },
};

export const pipelineSchema: Schema = { ...topLevel, $defs: defs };
