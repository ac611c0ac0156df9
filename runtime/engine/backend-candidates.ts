// The backends initEngine knows, as data: which package provides each, the name it registers in tfjs, and
// how that package reaches tfjs-core (to check it is the same copy the engine uses).
import type { BackendName } from './types.js';

export interface BackendCandidate {
  name: BackendName;
  packageName: string;
  /** Name the package registers its backend under in tfjs. */
  tfjsBackend: string;
  /** Packages between this one and tfjs-core, for the single-instance check. */
  coreChain: readonly string[];
  /** Native TensorFlow: optional, cannot install offline, and logs from C++ when loaded. */
  native: boolean;
  /** Only worth loading when the worker has a GPU. */
  needsGpu: boolean;
  /** How to get the package, shown when it is missing. */
  installHint: string;
}

export const BACKEND_CANDIDATES: Readonly<Record<BackendName, BackendCandidate>> = {
  'tfjs-node-gpu': {
    name: 'tfjs-node-gpu',
    packageName: '@tensorflow/tfjs-node-gpu',
    tfjsBackend: 'tensorflow',
    coreChain: ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs'],
    native: true,
    needsGpu: true,
    installHint: 'npm i @tensorflow/tfjs-node-gpu; its install script downloads libtensorflow with CUDA support',
  },
  'tfjs-node': {
    name: 'tfjs-node',
    packageName: '@tensorflow/tfjs-node',
    tfjsBackend: 'tensorflow',
    coreChain: ['@tensorflow/tfjs-node', '@tensorflow/tfjs'],
    native: true,
    needsGpu: false,
    installHint: 'npm i @tensorflow/tfjs-node; its install script downloads libtensorflow',
  },
  wasm: {
    name: 'wasm',
    packageName: '@tensorflow/tfjs-backend-wasm',
    tfjsBackend: 'wasm',
    coreChain: ['@tensorflow/tfjs-backend-wasm'],
    native: false,
    needsGpu: false,
    installHint: 'npm i @tensorflow/tfjs-backend-wasm',
  },
  cpu: {
    name: 'cpu',
    packageName: '@tensorflow/tfjs-backend-cpu',
    tfjsBackend: 'cpu',
    coreChain: ['@tensorflow/tfjs-backend-cpu'],
    native: false,
    needsGpu: false,
    installHint: 'npm i @tensorflow/tfjs-backend-cpu',
  },
};
