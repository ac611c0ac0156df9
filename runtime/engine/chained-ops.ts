// Tensor methods such as `t.flatten()` ("chained ops") are installed by the @tensorflow/tfjs umbrella package,
// not by tfjs-core's Node build, and only ship as extensionless ESM that Node cannot load. tfjs-layers relies
// on some of them (the Orthogonal initializer, the default for LSTM and GRU recurrent kernels, calls
// `rMat.flatten()`), so without them those layers fail to build. They are installed here on the one
// tfjs-core instance, each only if absent, mirroring tfjs-core's src/public/chained_ops.
import type * as TfCore from '@tensorflow/tfjs-core';

type Core = typeof TfCore;
type AnyFn = (...args: unknown[]) => unknown;

/** Methods that forward to the op of the same name with the tensor as first argument. */
const FORWARDING = [
  'abs', 'acos', 'acosh', 'add', 'all', 'any', 'argMax', 'argMin', 'asin', 'asinh', 'atan', 'atan2', 'atanh',
  'avgPool', 'batchNorm', 'batchToSpaceND', 'broadcastTo', 'cast', 'ceil', 'clipByValue', 'conv1d', 'conv2d',
  'conv2dTranspose', 'cos', 'cosh', 'cumprod', 'cumsum', 'depthToSpace', 'depthwiseConv2d', 'dilation2d', 'div',
  'divNoNan', 'dot', 'elu', 'equal', 'erf', 'euclideanNorm', 'exp', 'expandDims', 'expm1', 'fft', 'floor',
  'floorDiv', 'gather', 'greater', 'greaterEqual', 'ifft', 'irfft', 'isFinite', 'isInf', 'isNaN', 'leakyRelu',
  'less', 'lessEqual', 'localResponseNormalization', 'log', 'log1p', 'logSigmoid', 'logSoftmax', 'logSumExp',
  'logicalAnd', 'logicalNot', 'logicalOr', 'logicalXor', 'matMul', 'max', 'maxPool', 'maximum', 'mean', 'min',
  'minimum', 'mirrorPad', 'mod', 'mul', 'neg', 'norm', 'notEqual', 'oneHot', 'onesLike', 'pad', 'pool', 'pow',
  'prelu', 'prod', 'reciprocal', 'relu', 'relu6', 'reshape', 'resizeBilinear', 'resizeNearestNeighbor', 'reverse',
  'rfft', 'round', 'rsqrt', 'selu', 'separableConv2d', 'sigmoid', 'sign', 'sin', 'sinh', 'slice', 'softmax',
  'softplus', 'spaceToBatchND', 'split', 'sqrt', 'square', 'squaredDifference', 'squeeze', 'step', 'stridedSlice',
  'sub', 'sum', 'tan', 'tanh', 'tile', 'topk', 'transpose', 'unique', 'unsortedSegmentSum', 'unstack', 'zerosLike',
] as const;

/** Installs the chained-op methods on tfjs-core's Tensor class; returns how many were missing. */
export function installChainedOps(tf: Core): number {
  const proto = tf.Tensor.prototype as unknown as Record<string, unknown>;
  const ops = tf as unknown as Record<string, AnyFn>;
  const methods: Record<string, (this: TfCore.Tensor, ...args: unknown[]) => unknown> = {
    asType(dtype) { return tf.cast(this, dtype as TfCore.DataType); },
    as1D() { return tf.reshape(this, [this.size]); },
    as2D(...dims) { return tf.reshape(this, dims as number[]); },
    as3D(...dims) { return tf.reshape(this, dims as number[]); },
    as4D(...dims) { return tf.reshape(this, dims as number[]); },
    as5D(...dims) { return tf.reshape(this, dims as number[]); },
    asScalar() {
      if (this.size !== 1) throw new Error('The array must have only 1 element.');
      return tf.reshape(this, []);
    },
    flatten() { return tf.reshape(this, [this.size]); },
    reshapeAs(other) { return tf.reshape(this, (other as TfCore.Tensor).shape); },
    toBool() { return tf.cast(this, 'bool'); },
    toFloat() { return tf.cast(this, 'float32'); },
    toInt() { return tf.cast(this, 'int32'); },
    concat(others, axis) {
      const list = others instanceof tf.Tensor ? [others] : (others as TfCore.Tensor[]);
      return tf.concat([this, ...list], axis as number | undefined);
    },
    stack(others, axis) {
      const list = others instanceof tf.Tensor ? [others] : (others as TfCore.Tensor[]);
      return tf.stack([this, ...list], axis as number | undefined);
    },
    where(condition, other) { return tf.where(condition as TfCore.Tensor, this, other as TfCore.Tensor); },
  };
  for (const name of FORWARDING) {
    const op = ops[name];
    if (typeof op !== 'function') continue;
    methods[name] = function (this: TfCore.Tensor, ...args: unknown[]) {
      this.throwIfDisposed();
      return op(this, ...args);
    };
  }
  let installed = 0;
  for (const [name, method] of Object.entries(methods)) {
    if (proto[name] !== undefined) continue;
    proto[name] = method;
    installed++;
  }
  return installed;
}
