/**
 * The spec's `optimizer:` (a name, or a name with settings such as learning_rate, beta1, rho) as a tfjs
 * optimizer, plus the gradient clipping tfjs optimizers do not do themselves. Defaults are Keras's, and
 * epsilon is explicit rather than tfjs's per-backend default so results do not depend on the backend.
 */
import type { NamedTensorMap, Optimizer, Tensor } from '@tensorflow/tfjs-core';
import type { Tf } from '../engine/index.js';
import { OPTIMIZERS } from '../../compiler/spec/vocabulary.js';
import type { BoundOptimizerSpec } from './bind-hyperparameters.js';

export type OptimizerName = (typeof OPTIMIZERS)[number];

/** Gradient clipping applied between computing gradients and the optimizer's update. */
export interface GradientClipping {
  /** Each weight's gradient is scaled so its L2 norm is at most this (Keras `clipnorm`). */
  clipnorm?: number;
  /** All gradients together are scaled so their joint L2 norm is at most this (Keras `global_clipnorm`). */
  global_clipnorm?: number;
  /** Each gradient element is clipped to [-v, v] (Keras `clipvalue`). */
  clipvalue?: number;
}

export interface OptimizerSetup {
  /** The optimizer actually used: `sgd` with a momentum above 0 is `momentum`, as in Keras. */
  name: OptimizerName;
  /** Every setting with defaults filled in (without clipping), as stored in checkpoints. */
  settings: Record<string, number | boolean>;
  clipping: GradientClipping;
  optimizer: Optimizer;
}

export class OptimizerSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OptimizerSpecError';
  }
}

type Setting = { default: number | boolean; check: 'positive' | 'unit' | 'nonnegative' | 'bool' };
const lr = (value: number): Setting => ({ default: value, check: 'positive' });
const unit = (value: number): Setting => ({ default: value, check: 'unit' });
const EPSILON: Setting = { default: 1e-7, check: 'positive' };

/** Settings each optimizer accepts, with Keras's defaults. */
const SETTINGS: Readonly<Record<OptimizerName, Readonly<Record<string, Setting>>>> = {
  sgd: { learning_rate: lr(0.01), momentum: unit(0), nesterov: { default: false, check: 'bool' } },
  momentum: { learning_rate: lr(0.01), momentum: unit(0.9), nesterov: { default: false, check: 'bool' } },
  adam: { learning_rate: lr(0.001), beta1: unit(0.9), beta2: unit(0.999), epsilon: EPSILON },
  adamax: { learning_rate: lr(0.001), beta1: unit(0.9), beta2: unit(0.999), epsilon: EPSILON, decay: { default: 0, check: 'nonnegative' } },
  rmsprop: { learning_rate: lr(0.001), rho: unit(0.9), momentum: unit(0), epsilon: EPSILON, centered: { default: false, check: 'bool' } },
  adagrad: { learning_rate: lr(0.001), initial_accumulator_value: { default: 0.1, check: 'nonnegative' } },
  adadelta: { learning_rate: lr(0.001), rho: unit(0.95), epsilon: EPSILON },
};
const CLIPPING_KEYS = ['clipnorm', 'global_clipnorm', 'clipvalue'] as const;

/** When a step names no optimizer. */
export const DEFAULT_OPTIMIZER: OptimizerName = 'adam';

/** A fresh optimizer (no state) for `spec`. */
export function createOptimizer(tf: Tf, spec: BoundOptimizerSpec | undefined): OptimizerSetup {
  const { name: given, settings: raw, clipping } = parseOptimizerSpec(spec);
  const settings = withDefaults(given, raw);
  if (settings.centered === true) {
    // tfjs 4.22's centered RMSProp divides by sqrt(ms - mg^2 - epsilon), which is NaN as soon as a weight's
    // gradient is near zero (a bias before batch normalisation, say); refuse rather than train into NaN.
    throw new OptimizerSpecError('optimizer rmsprop: centered: true is not supported (tfjs computes sqrt(ms - mg^2 - epsilon), NaN for near-zero gradients)');
  }
  const name: OptimizerName = given === 'sgd' && (settings.momentum as number) > 0 ? 'momentum' : given;
  return { name, settings, clipping, optimizer: instantiate(tf, name, settings) };
}

/** An optimizer from a checkpoint's stored name and settings (the same ones `createOptimizer` reports). */
export function optimizerFromSettings(tf: Tf, name: OptimizerName, settings: Record<string, number | boolean>): Optimizer {
  return instantiate(tf, name, withDefaults(name, settings));
}

function instantiate(tf: Tf, name: OptimizerName, s: Record<string, number | boolean>): Optimizer {
  const num = (key: string) => s[key] as number;
  switch (name) {
    case 'sgd':
      return tf.train.sgd(num('learning_rate'));
    case 'momentum':
      return tf.train.momentum(num('learning_rate'), num('momentum'), s.nesterov === true);
    case 'adam':
      return tf.train.adam(num('learning_rate'), num('beta1'), num('beta2'), num('epsilon'));
    case 'adamax':
      return tf.train.adamax(num('learning_rate'), num('beta1'), num('beta2'), num('epsilon'), num('decay'));
    case 'rmsprop':
      return tf.train.rmsprop(num('learning_rate'), num('rho'), num('momentum'), num('epsilon'), s.centered === true);
    case 'adagrad':
      return tf.train.adagrad(num('learning_rate'), num('initial_accumulator_value'));
    case 'adadelta':
      return tf.train.adadelta(num('learning_rate'), num('rho'), num('epsilon'));
  }
}

function parseOptimizerSpec(spec: BoundOptimizerSpec | undefined): { name: OptimizerName; settings: Record<string, unknown>; clipping: GradientClipping } {
  if (spec === undefined) return { name: DEFAULT_OPTIMIZER, settings: {}, clipping: {} };
  const { name, ...rest } = typeof spec === 'string' ? { name: spec } : spec;
  if (!isOptimizerName(name)) {
    throw new OptimizerSpecError(`unknown optimizer ${JSON.stringify(name)} (known: ${OPTIMIZERS.join(', ')})`);
  }
  const clipping: GradientClipping = {};
  const settings: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(rest)) {
    if ((CLIPPING_KEYS as readonly string[]).includes(key)) {
      if (typeof value !== 'number' || !(value > 0)) throw new OptimizerSpecError(`optimizer ${key} must be a number > 0, got ${JSON.stringify(value)}`);
      clipping[key as (typeof CLIPPING_KEYS)[number]] = value;
    } else {
      settings[key] = value;
    }
  }
  return { name, settings, clipping };
}

function withDefaults(name: OptimizerName, given: Record<string, unknown>): Record<string, number | boolean> {
  const allowed = SETTINGS[name];
  const out: Record<string, number | boolean> = {};
  for (const [key, value] of Object.entries(given)) {
    const setting = allowed[key];
    if (setting === undefined) {
      throw new OptimizerSpecError(`optimizer ${name} has no setting '${key}' (it takes: ${[...Object.keys(allowed), ...CLIPPING_KEYS].join(', ')})`);
    }
    const problem = settingProblem(setting, value);
    if (problem !== undefined) throw new OptimizerSpecError(`optimizer ${name}: ${key} ${problem}, got ${JSON.stringify(value)}`);
    out[key] = value as number | boolean;
  }
  for (const [key, setting] of Object.entries(allowed)) out[key] ??= setting.default;
  return out;
}

function settingProblem(setting: Setting, value: unknown): string | undefined {
  if (setting.check === 'bool') return typeof value === 'boolean' ? undefined : 'must be true or false';
  if (typeof value !== 'number' || !Number.isFinite(value)) return 'must be a number';
  if (setting.check === 'positive' && !(value > 0)) return 'must be > 0';
  if (setting.check === 'nonnegative' && !(value >= 0)) return 'must be >= 0';
  if (setting.check === 'unit' && !(value >= 0 && value < 1)) return 'must be in [0, 1)';
  return undefined;
}

function isOptimizerName(name: unknown): name is OptimizerName {
  return typeof name === 'string' && (OPTIMIZERS as readonly string[]).includes(name);
}

/** Whether `clipping` asks for anything. */
export function clips(clipping: GradientClipping): boolean {
  return clipping.clipnorm !== undefined || clipping.global_clipnorm !== undefined || clipping.clipvalue !== undefined;
}

/**
 * Clipped gradients (new tensors; the caller disposes both maps), in Keras's order: per-element value
 * clipping, then per-weight norm, then the global norm.
 */
export function clipGradients(tf: Tf, grads: NamedTensorMap, clipping: GradientClipping): NamedTensorMap {
  return tf.tidy(() => {
    const names = Object.keys(grads);
    let values: Tensor[] = names.map((n) => grads[n]!);
    const { clipvalue, clipnorm, global_clipnorm: globalNorm } = clipping;
    if (clipvalue !== undefined) values = values.map((g) => tf.clipByValue(g, -clipvalue, clipvalue));
    if (clipnorm !== undefined) values = values.map((g) => scaleToNorm(tf, g, tf.norm(g), clipnorm));
    if (globalNorm !== undefined) {
      const total = tf.sqrt(tf.addN(values.map((g) => tf.sum(tf.square(g)))));
      values = values.map((g) => scaleToNorm(tf, g, total, globalNorm));
    }
    const out: NamedTensorMap = {};
    names.forEach((n, i) => {
      // tidy disposes everything not returned; identity results (no clipping of that kind) must survive too.
      out[n] = values[i] === grads[n] ? tf.clone(values[i]!) : values[i]!;
    });
    return out;
  });
}

/** g scaled by limit / max(norm, limit): unchanged when the norm is within the limit. */
function scaleToNorm(tf: Tf, g: Tensor, norm: Tensor, limit: number): Tensor {
  return tf.mul(g, tf.div(limit, tf.maximum(norm, limit)));
}
