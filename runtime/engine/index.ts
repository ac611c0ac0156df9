// The training engine's backend layer: pick a TensorFlow.js backend, make it able to train.
export { initEngine, selectBackend, backendOrder } from './select-backend.js';
export { BACKEND_ORDER } from './types.js';
export type { BackendAttempt, BackendName, EngineInfo, EngineOptions, Tf } from './types.js';
export type { PackageAccess } from './packages.js';
