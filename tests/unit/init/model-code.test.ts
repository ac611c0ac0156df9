// The model module `dlc init` generates: its Hyperparameters interface follows the search space, the file
// is formatted the same way every time, and it type-checks against the real TensorFlow.js declarations.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { Project } from 'ts-morph';
import { generateModelModule } from '../../../cli/init/model-code.js';
import { ROOT } from '../../helpers.js';

const spec = {
  steps: {
    net: {
      op: 'train',
      model: { input_shape: [4], module: './models/net.ts', export: 'makeNet' },
      search: {
        space: {
          units: { int: [8, 64] },
          activation: { choice: ['relu', 'tanh', "it's"] },
          use_bias: { choice: [true, false] },
          kernel: { choice: [[3, 3], [5, 5]] },
          mixed: { choice: [1, 'auto'] },
          momentum: { uniform: [0.8, 0.99], when: { activation: 'relu' } },
        },
      },
    },
  },
};
const body = "const { tf } = ctx;\nreturn tf.sequential({ layers: [tf.layers.dense({ inputShape: ctx.inputShape, units: hp.units, activation: hp.activation === \"it's\" ? 'linear' : hp.activation, useBias: hp.use_bias })] });";

test('one property per entry, typed from its values; a conditional entry is optional', () => {
  const code = generateModelModule({ spec, specFile: 'pipeline.yaml', modulePath: 'models/net.ts', body });
  const props = [...code.matchAll(/^ {2}(\w+\??): (.+);$/gm)].map((m) => `${m[1]}: ${m[2]}`);
  assert.deepEqual(props.slice(0, 6), ['units: number', "activation: 'relu' | 'tanh' | 'it\\'s'", 'use_bias: boolean', 'kernel: number[]', "mixed: number | 'auto'", 'momentum?: number']);
  assert.match(code, /\/\*\* uniform: \[0\.8, 0\.99\], only when activation is "relu" \*\//);
  assert.match(code, /^export function makeNet\(hp: Hyperparameters, ctx: ModelContext\): tfl\.LayersModel \{\n {2}const \{ tf \} = ctx;\n/m);
  assert.equal(generateModelModule({ spec, specFile: 'pipeline.yaml', modulePath: 'models/net.ts', body }), code, 'the same input, the same text');
});

test('the generated module type-checks against the tfjs declarations dlc depends on', () => {
  const code = generateModelModule({ spec, specFile: 'pipeline.yaml', modulePath: 'models/net.ts', body });
  // Placed (in memory only) at the repository's root, so `@tensorflow/*` resolves to its node_modules.
  const project = new Project({ compilerOptions: { strict: true, target: 9, module: 199, moduleResolution: 99, noEmit: true, skipLibCheck: true, types: [] } });
  const file = project.createSourceFile(join(ROOT, '__generated_model_check__.ts'), code);
  const problems = file.getPreEmitDiagnostics().map((d) => `${d.getLineNumber()}: ${project.formatDiagnosticsWithColorAndContext([d])}`);
  assert.deepEqual(problems, []);
});

test('a template whose spec names no such module is a bug in the template, said plainly', () => {
  assert.throws(() => generateModelModule({ spec, specFile: 'pipeline.yaml', modulePath: 'models/other.ts', body }), /no train step of the template's spec has model\.module models\/other\.ts/);
});
