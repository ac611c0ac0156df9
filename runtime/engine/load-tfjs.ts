// Loads tfjs-core and tfjs-layers once per process and proves they share one tfjs-core instance.
import type * as TfCore from '@tensorflow/tfjs-core';
import type * as TfLayers from '@tensorflow/tfjs-layers';
import { installChainedOps } from './chained-ops.js';
import { coreLoadedBy, nodePackages, type PackageAccess } from './packages.js';
import type { Tf } from './types.js';

export interface LoadedTfjs {
  core: typeof TfCore;
  tf: Tf;
  /** The tfjs-core entry file every backend must load too. */
  corePath: string;
}

let loading: Promise<LoadedTfjs> | undefined;

/**
 * Loads (once per process) tfjs-core and tfjs-layers; throws if tfjs-layers would bring its own tfjs-core.
 * Later calls get the first result whatever `access` they pass: a module loads only once anyway.
 */
export function loadTfjs(access: PackageAccess = nodePackages): Promise<LoadedTfjs> {
  loading ??= load(access).catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}

async function load(access: PackageAccess): Promise<LoadedTfjs> {
  const corePath = access.resolve('@tensorflow/tfjs-core');
  if (corePath === undefined) throw new Error('@tensorflow/tfjs-core is not installed');
  const layersCore = coreLoadedBy(access, ['@tensorflow/tfjs-layers']);
  if (layersCore !== corePath) {
    throw new Error(
      `@tensorflow/tfjs-layers loads tfjs-core from ${layersCore ?? '(nowhere)'} but the engine uses ${corePath}; ` +
        'reinstall so a single @tensorflow/tfjs-core is shared (npm dedupe)',
    );
  }
  const core = exportsOf(await import('@tensorflow/tfjs-core'));
  const layers = exportsOf(await import('@tensorflow/tfjs-layers'));
  installChainedOps(core);
  const tf = Object.assign({}, core, layers) as Tf;
  return { core, tf, corePath };
}

/**
 * The CommonJS exports object behind an ESM namespace. Node exposes it as `default` and copies only the
 * names its static scan detects; the object itself is complete.
 */
function exportsOf<T extends typeof TfCore | typeof TfLayers>(namespace: T): T {
  const full = (namespace as unknown as { default?: unknown }).default;
  return (typeof full === 'object' && full !== null ? full : namespace) as T;
}
