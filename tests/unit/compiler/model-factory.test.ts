// The type check of a `module:` model's factory against the search space, through the compiler with an
// in-memory machine: the spec, the module and its imports are strings, read only through the host.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CompilerHost } from '../../../compiler/host.js';
import { compile, type Diagnostic } from '../../../compiler/index.js';
import { checkModelFactory } from '../../../compiler/typescript/factory-check.js';

const SPEC = '/p/pipeline.yaml';

function host(files: Record<string, string>): CompilerHost {
  const all: Record<string, string> = Object.fromEntries(Object.entries(files).map(([k, v]) => [k.startsWith('/') ? k : `/p/${k}`, v]));
  const access = { readFile: (p: string) => all[p], fileExists: (p: string) => p in all };
  return {
    ...access,
    env: () => undefined,
    inspectSource: (s) => ({
      ok: true,
      stats: { files: [{ path: s.path ?? '', bytes: 100 }], rows: 10, bytes: 100, schema: [{ name: 'x', type: { tensor: 'float32', shape: [4] } }, { name: 'y', type: 'int32' }] },
    }),
    checkModelFactory: (q) => checkModelFactory(q, access),
  };
}

/** A spec whose train step uses ./models/net.ts; `space` is the YAML of the entries, 8 spaces deep. */
function spec(space: string, model = 'module: ./models/net.ts\n      export: build'): string {
  return `dlc: 1
name: t
sources:
  rows: { format: parquet, path: ./rows.parquet }
steps:
  parts: { op: split, from: rows, fractions: { train: 0.8, validation: 0.2 } }
  search:
    op: train
    data: { train: parts.train, validation: parts.validation }
    features: [x]
    label: y
    model:
      input_shape: [4]
      ${model}
    optimizer: { name: adam, learning_rate: "\${hp.lr}" }
    loss: sparse_categorical_crossentropy
    metrics: [accuracy]
    search:
      algorithm: random
      trials: 2
      space:
        lr: { loguniform: [0.0001, 0.01] }
${space}      objective: { metric: val_accuracy, mode: max }
`;
}

const NET = `import type * as tfl from '@tensorflow/tfjs-layers';
export interface Hyperparameters {
  units: number;
  activation: 'relu' | 'tanh';
  batch_norm?: boolean;
}
export function build(hp: Hyperparameters, ctx: { tf: typeof tfl; inputShape: number[]; seed: number }): tfl.LayersModel {
  return ctx.tf.sequential();
}
`;

function lint(files: Record<string, string>): Diagnostic[] {
  const r = compile({ file: SPEC, host: host(files), mode: 'lint', cores: 2 });
  return r.ok ? r.warnings : [...r.errors, ...r.warnings];
}

const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

test('a space that matches the factory type is clean, entries used by ${hp.x} need not be in the type', () => {
  const text = spec('        units: { int: [8, 64] }\n        activation: { choice: [relu, tanh] }\n        batch_norm: { choice: [true, false], when: { activation: relu } }\n');
  assert.deepEqual(lint({ 'pipeline.yaml': text, 'models/net.ts': NET }), []);
});

test('an entry missing from the type is DLC423 at its YAML line, naming the interface and its file:line', () => {
  const text = spec('        units: { choice: [8, 16] }\n        activation: { choice: [relu] }\n        dropout: { uniform: [0, 0.5] }\n');
  const [d, ...rest] = lint({ 'pipeline.yaml': text, 'models/net.ts': NET });
  assert.deepEqual(rest, []);
  assert.equal(d!.code, 'DLC423');
  assert.equal(d!.range.start.line, lineOf(text, 'dropout:'));
  assert.match(d!.message, /'dropout' is not a property of Hyperparameters \(models\/net\.ts:2\)/);
  assert.match(d!.hint ?? '', /add `dropout: number` to Hyperparameters/);
  assert.deepEqual(d!.related?.map((r) => [r.file, r.range.start.line]), [['/p/models/net.ts', 2]]);
});

test('a value the type does not accept is DLC424 at that value, naming the property declaration', () => {
  const text = spec('        units: { choice: [8, 16] }\n        activation: { choice: [relu, gelu, elu] }\n');
  const [d, ...rest] = lint({ 'pipeline.yaml': text, 'models/net.ts': NET });
  assert.deepEqual(rest, []);
  assert.equal(d!.code, 'DLC424');
  assert.equal(d!.path, 'steps.search.search.space.activation.choice[1]');
  assert.equal(d!.range.start.line, lineOf(text, 'gelu'));
  assert.match(d!.message, /can be "gelu" \(also "elu"\), which Hyperparameters\['activation'\] \("relu" \| "tanh"\) does not accept/);
  assert.deepEqual(d!.related?.map((r) => [r.file, r.range.start.line, r.message]), [['/p/models/net.ts', 4, 'activation: "relu" | "tanh"']]);
});

test('kinds: strings against number, a range against a literal union, a conditional entry against a required property', () => {
  const text = spec('        units: { choice: ["8"] }\n        activation: { int: [1, 2] }\n        batch_norm: { choice: [true] }\n        extra: { choice: [1], when: { units: "8" } }\n');
  const net = NET.replace('batch_norm?: boolean;', 'batch_norm?: boolean;\n  extra: number;');
  const found = lint({ 'pipeline.yaml': text, 'models/net.ts': net }).map((d) => `${d.code} ${d.path}`);
  assert.deepEqual(found, [
    'DLC424 steps.search.search.space.units.choice[0]',
    'DLC424 steps.search.search.space.activation.int',
    'DLC424 steps.search.search.space.extra.when',
  ]);
});

test('a required property no entry fills is DLC425 at the space; an optional one or `T | undefined` is fine', () => {
  const text = spec('        units: { choice: [8] }\n');
  const found = lint({ 'pipeline.yaml': text, 'models/net.ts': NET.replace('batch_norm?: boolean;', 'batch_norm?: boolean;\n  maybe: number | undefined;') });
  assert.deepEqual(found.map((d) => `${d.code} ${d.range.start.line}`), [`DLC425 ${lineOf(text, 'space:')}`]);
  assert.match(found[0]!.message, /requires 'activation' \("relu" \| "tanh"\)/);
});

test('types from another file, an index signature, a default export and a factory without parameters', () => {
  const types = `export type Hyperparameters = { units: number } & Record<string, number | string>;\n`;
  const net = `import type { Hyperparameters } from './types.js';\nexport default function (hp: Hyperparameters): unknown { return hp; }\n`;
  const model = 'module: ./models/net.ts\n      export: default';
  const ok = spec('        units: { choice: [8] }\n        anything: { choice: [a, 2] }\n', model);
  assert.deepEqual(lint({ 'pipeline.yaml': ok, 'models/net.ts': net, 'models/types.ts': types }), []);
  const bad = spec('        units: { choice: [true] }\n', model);
  assert.deepEqual(lint({ 'pipeline.yaml': bad, 'models/net.ts': net, 'models/types.ts': types }).map((d) => d.code), ['DLC424']);
  const none = spec('        units: { choice: [8] }\n');
  const found = lint({ 'pipeline.yaml': none, 'models/net.ts': 'export function build() { return null; }\n' });
  assert.deepEqual(found.map((d) => d.code), ['DLC423']);
  assert.match(found[0]!.message, /build takes no parameters/);
});

test('export problems, syntax errors and a run-time import of tfjs', () => {
  const text = spec('        units: { choice: [8] }\n        activation: { choice: [relu] }\n');
  const codes = (net: string, model?: string) => lint({ 'pipeline.yaml': model ? spec('        units: { choice: [8] }\n        activation: { choice: [relu] }\n', model) : text, 'models/net.ts': net }).map((d) => d.code);
  assert.deepEqual(codes(NET, 'module: ./models/net.ts\n      export: make'), ['DLC421']);
  assert.deepEqual(codes(`${NET}export const size = 3;\n`, 'module: ./models/net.ts\n      export: size'), ['DLC422']);
  assert.deepEqual(codes(NET, 'module: ./models/net.ts\n      export: Hyperparameters'), ['DLC422']);
  assert.deepEqual(codes(NET.replace('return ctx.tf.sequential();', 'return ctx.tf.sequential(;')), ['DLC426']);
  assert.deepEqual(codes(`import * as tfjs from '@tensorflow/tfjs-layers';\nexport const v = tfjs.version_layers;\n${NET}`), ['DLC427']);
  // Imported for types only, or only used as a type, it is erased and harmless.
  assert.deepEqual(codes(`import { LayersModel } from '@tensorflow/tfjs-layers';\nexport type M = LayersModel;\n${NET}`), []);
});

test('without a type checker in the host the rule stays silent', () => {
  const text = spec('        units: { choice: [8] }\n        dropout: { choice: [0.1] }\n');
  const h = host({ 'pipeline.yaml': text, 'models/net.ts': NET });
  delete h.checkModelFactory;
  const r = compile({ file: SPEC, host: h, mode: 'lint', cores: 2 });
  assert.deepEqual(r.ok ? r.warnings : r.errors, []);
});

test('persistent, env and workdir belong to a command model: on a module model each is DLC201 at its key', () => {
  const text = spec('        units: { int: [8, 64] }\n        activation: { choice: [relu, tanh] }\n', 'module: ./models/net.ts\n      export: build\n      persistent: true\n      env: { A: b }');
  const ds = lint({ 'pipeline.yaml': text, 'models/net.ts': NET });
  assert.deepEqual(ds.map((d) => [d.code, d.range?.start.line]).sort(), [['DLC201', lineOf(text, 'env: { A')], ['DLC201', lineOf(text, 'persistent: true')]].sort());
  assert.match(ds.find((d) => d.range?.start.line === lineOf(text, 'persistent: true'))!.message, /'persistent' applies to a command model/);
});

test('a command model may be persistent, with env and workdir', () => {
  const text = spec('', 'command: [python3, train.py]\n      persistent: true\n      env: { A: b }').replace('      input_shape: [4]\n', '').replace('        lr: { loguniform', '        lr: { loguniform');
  const ds = lint({ 'pipeline.yaml': text, 'models/net.ts': NET }).filter((d) => d.severity === 'error');
  assert.deepEqual(ds, []);
});
