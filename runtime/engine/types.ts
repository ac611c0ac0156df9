import type * as TfCore from '@tensorflow/tfjs-core';
import type * as TfLayers from '@tensorflow/tfjs-layers';

/** The backends initEngine can pick, fastest first. */
export type BackendName = 'tfjs-node-gpu' | 'tfjs-node' | 'wasm' | 'cpu';

export const BACKEND_ORDER: readonly BackendName[] = ['tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu'];

/** tfjs-core and tfjs-layers as one namespace, both bound to the same tfjs-core instance. */
export type Tf = typeof TfCore & typeof TfLayers;

export interface EngineOptions {
  /**
   * Backend to try first; the others stay behind it as fallbacks in the usual order, so a run still starts
   * and `tried` says why the preferred one was not used. 'auto' (the default) keeps the usual order.
   */
  prefer?: 'auto' | BackendName;
  /** Where the worker runs. tfjs-node-gpu is only tried on 'gpu'; the default is 'cpu'. */
  device?: 'gpu' | 'cpu';
  /** Silence tfjs's console warnings (default true): a worker's stdout or stderr may be a protocol channel. */
  quiet?: boolean;
}

/** One backend considered during selection: whether it became the engine's backend, and why or why not. */
export interface BackendAttempt {
  backend: BackendName;
  ok: boolean;
  reason: string;
}

export interface EngineInfo {
  tf: Tf;
  backend: BackendName;
  /** Versions of the tfjs packages in use (by package name) and of Node. */
  versions: Readonly<Record<string, string>>;
  /** Backends considered, in the order tried, ending with the one chosen. */
  tried: readonly BackendAttempt[];
  /** Present when the backend is wasm. */
  wasm?: {
    simd: boolean;
    threads: boolean;
    /** Gradient kernels registered on top of the wasm backend (runtime/engine/wasm-kernels). */
    gradientKernels: readonly string[];
  };
}
