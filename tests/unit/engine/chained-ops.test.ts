// Tensor methods tfjs-layers calls (t.flatten() in the Orthogonal initializer, the recurrent layers' default)
// exist once the engine is up, and installing them again is a no-op.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Tensor } from '@tensorflow/tfjs-core';
import { installChainedOps } from '../../../runtime/engine/chained-ops.js';
import { wasmEngine } from './engine-fixture.js';

test('chained ops are installed once on the shared tfjs-core', async () => {
  const { tf } = await wasmEngine();
  assert.equal(installChainedOps(tf), 0);
  // tfjs-core declares these methods' types only in the module that installs them, which Node cannot load.
  type Chained = Tensor & {
    flatten(): Tensor;
    abs(): Chained;
    sum(axis: number): Tensor;
    concat(other: Tensor, axis: number): Tensor;
    asType(dtype: 'int32'): Tensor;
  };
  const t = tf.tensor2d([[1, -2], [3, -4]]) as unknown as Chained;
  assert.deepEqual(Array.from(t.flatten().dataSync()), [1, -2, 3, -4]);
  assert.deepEqual(Array.from(t.abs().sum(1).dataSync()), [3, 7]);
  assert.deepEqual(t.concat(t, 0).shape, [4, 2]);
  assert.equal(t.asType('int32').dtype, 'int32');
  const orthogonal = tf.initializers.orthogonal({}).apply([4, 4]);
  assert.deepEqual(orthogonal.shape, [4, 4]);
  tf.dispose([t, orthogonal]);
});
