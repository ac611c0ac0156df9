// Backend selection: what happens on this machine (no native TensorFlow, so wasm), and, with stand-ins for
// packages that are not installed here, what happens when a native package is present but broken, brings its
// own tfjs-core, or works.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { backendOrder, initEngine, selectBackend } from '../../../runtime/engine/index.js';
import { coreLoadedBy, nodePackages, type PackageAccess } from '../../../runtime/engine/packages.js';

const FAKE_NODE_ENTRY = '/opt/fake/node_modules/@tensorflow/tfjs-node/dist/index.js';
const FAKE_UMBRELLA_ENTRY = '/opt/fake/node_modules/@tensorflow/tfjs/dist/tf.node.js';

/** Package access where @tensorflow/tfjs-node "is installed"; everything else is the real thing. */
function withFakeTfjsNode(behaviour: { coreFile?: string; load: () => Promise<unknown> }): PackageAccess {
  const realCore = nodePackages.resolve('@tensorflow/tfjs-core');
  return {
    resolve(name, fromFile) {
      if (name === '@tensorflow/tfjs-node' && fromFile === undefined) return FAKE_NODE_ENTRY;
      if (name === '@tensorflow/tfjs' && fromFile === FAKE_NODE_ENTRY) return FAKE_UMBRELLA_ENTRY;
      if (name === '@tensorflow/tfjs-core' && fromFile === FAKE_UMBRELLA_ENTRY) return behaviour.coreFile ?? realCore;
      return nodePackages.resolve(name, fromFile);
    },
    version: (name) => (name === '@tensorflow/tfjs-node' ? '4.22.0' : nodePackages.version(name)),
    load: (name) => (name === '@tensorflow/tfjs-node' ? behaviour.load() : nodePackages.load(name)),
  };
}

test('here, selection falls back to wasm and says why each native backend was skipped', async () => {
  const info = await initEngine({});
  assert.equal(info.backend, 'wasm');
  assert.equal(info.tf.getBackend(), 'wasm');
  assert.deepEqual(
    info.tried.map((t) => [t.backend, t.ok]),
    [['tfjs-node-gpu', false], ['tfjs-node', false], ['wasm', true]],
  );
  assert.match(info.tried[0]!.reason, /not on a GPU/);
  assert.match(info.tried[1]!.reason, /not installed/);
  assert.match(info.tried[2]!.reason, /tfjs-backend-wasm@4\.22/);
  assert.equal(info.versions['@tensorflow/tfjs-core'], '4.22.0');
  assert.equal(info.versions['@tensorflow/tfjs-layers'], '4.22.0');
  assert.equal(info.versions['@tensorflow/tfjs-backend-wasm'], '4.22.0');
  assert.ok(info.wasm, 'wasm details are reported');
  assert.equal(typeof info.wasm.simd, 'boolean');
  assert.ok(info.wasm.gradientKernels.includes('Conv2DBackpropFilter'));
  // tf carries both core and layers, bound to the same engine.
  assert.equal(typeof info.tf.sequential, 'function');
  assert.equal(typeof info.tf.conv2d, 'function');
});

test('tfjs-layers and the installed backends all load the one tfjs-core', () => {
  const core = nodePackages.resolve('@tensorflow/tfjs-core');
  assert.ok(core);
  for (const name of ['@tensorflow/tfjs-layers', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-backend-cpu']) {
    assert.equal(coreLoadedBy(nodePackages, [name]), core, name);
  }
  assert.equal(coreLoadedBy(nodePackages, ['@tensorflow/tfjs-node', '@tensorflow/tfjs']), undefined);
});

test('a GPU worker tries tfjs-node-gpu first', async () => {
  const info = await initEngine({ device: 'gpu' });
  assert.equal(info.tried[0]!.backend, 'tfjs-node-gpu');
  assert.match(info.tried[0]!.reason, /not installed/);
  assert.equal(info.backend, 'wasm');
});

test('a preferred backend goes first and the others stay as fallbacks', async () => {
  assert.deepEqual(backendOrder('auto'), ['tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu']);
  assert.deepEqual(backendOrder('wasm'), ['wasm', 'tfjs-node-gpu', 'tfjs-node', 'cpu']);
  const info = await initEngine({ prefer: 'cpu' });
  assert.equal(info.backend, 'cpu');
  assert.equal(info.tf.getBackend(), 'cpu');
  assert.deepEqual(info.tried.map((t) => t.backend), ['cpu']);
  assert.equal(info.wasm, undefined);
  await initEngine({});
});

test('a native package that fails to load is reported with its error and skipped', async () => {
  const access = withFakeTfjsNode({
    load: () => Promise.reject(new Error('libtensorflow.so.2: cannot open shared object file: No such file or directory\n    at Module._extensions')),
  });
  const info = await selectBackend({}, access);
  assert.equal(info.backend, 'wasm');
  const node = info.tried.find((t) => t.backend === 'tfjs-node')!;
  assert.equal(node.ok, false);
  assert.equal(node.reason, 'libtensorflow.so.2: cannot open shared object file: No such file or directory');
});

test('a native package that would bring a second tfjs-core is not loaded', async () => {
  let loaded = false;
  const access = withFakeTfjsNode({
    coreFile: '/opt/fake/node_modules/@tensorflow/tfjs/node_modules/@tensorflow/tfjs-core/dist/tf-core.node.js',
    load: async () => {
      loaded = true;
    },
  });
  const info = await selectBackend({}, access);
  assert.equal(info.backend, 'wasm');
  assert.equal(loaded, false);
  assert.match(info.tried.find((t) => t.backend === 'tfjs-node')!.reason, /second @tensorflow\/tfjs-core/);
});

test('a native package that loads and registers its backend is selected', async () => {
  const access = withFakeTfjsNode({
    // What tfjs-node does on load: register the 'tensorflow' backend (here a cpu backend stands in for it).
    load: async () => {
      const { tf } = await initEngine({});
      tf.registerBackend('tensorflow', () => new MathBackendCPU(), 3);
    },
  });
  const info = await selectBackend({}, access);
  try {
    assert.equal(info.backend, 'tfjs-node');
    assert.equal(info.tf.getBackend(), 'tensorflow');
    assert.deepEqual(info.tried.map((t) => [t.backend, t.ok]), [['tfjs-node-gpu', false], ['tfjs-node', true]]);
    assert.equal(info.versions['@tensorflow/tfjs-node'], '4.22.0');
  } finally {
    await info.tf.setBackend('wasm');
    info.tf.removeBackend('tensorflow');
  }
});
