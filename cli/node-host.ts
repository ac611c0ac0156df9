import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { totalmem } from 'node:os';
import type { CompilerHost, FactoryQuery, FactoryReport, InspectResult, KeySketch, MachineProfile, SourceToInspect } from '../compiler/host.js';

const require = createRequire(import.meta.url);

/** wasm32 addresses at most 4 GiB of linear memory, where the wasm backend keeps every tensor. */
const WASM32_BYTES = 4 * 2 ** 30;

/**
 * The cap the workers' training backend puts on their tensors: without a native TensorFlow package the
 * workers train on the wasm backend (runtime/engine/select-backend.ts), capped by wasm32.
 */
function deviceLimit(): { bytes: number; note: string } | undefined {
  const installed = (name: string): boolean => {
    try {
      require.resolve(`${name}/package.json`);
      return true;
    } catch {
      return false;
    }
  };
  if (installed('@tensorflow/tfjs-node') || installed('@tensorflow/tfjs-node-gpu') || !installed('@tensorflow/tfjs-backend-wasm')) return undefined;
  return { bytes: WASM32_BYTES, note: 'the wasm backend: wasm32 linear memory holds at most 4 GiB of tensors' };
}

/**
 * The compiler's window on this machine. The data inspector (and the Parquet and Arrow readers behind
 * it) is loaded on the first source inspected, synchronously, so linting a spec without data pays nothing.
 * Key sketches and the calibration cache are loaded only when planning asks for them, and the TypeScript
 * compiler only when a spec has a `module:` model.
 */
export function createNodeHost(env: NodeJS.ProcessEnv): CompilerHost {
  let inspect: ((s: SourceToInspect) => InspectResult) | undefined;
  let sketch: ((s: SourceToInspect, keys: string[][]) => (KeySketch | undefined)[]) | undefined;
  let machine: MachineProfile | undefined;
  let factories: ((q: FactoryQuery, files: Pick<CompilerHost, 'readFile' | 'fileExists'>) => FactoryReport) | undefined;
  const readFile = (path: string): string | undefined => {
    try {
      if (statSync(path).isDirectory()) return undefined;
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  };
  const fileExists = (path: string): boolean => existsSync(path);
  return {
    readFile,
    fileExists,
    env: (name) => env[name],
    inspectSource(source) {
      inspect ??= (require('../runtime/data/inspect/index.js') as { inspectSource: (s: SourceToInspect) => InspectResult }).inspectSource;
      return inspect(source);
    },
    keySketches(source, keys) {
      sketch ??= (require('../runtime/data/inspect/key-sketch.js') as typeof import('../runtime/data/inspect/key-sketch.js')).sketchSourceKeys;
      return sketch(source, keys);
    },
    machine() {
      if (!machine) {
        machine = (require('../runtime/calibrate/cache.js') as typeof import('../runtime/calibrate/cache.js')).machineProfile(env, totalmem());
        const limit = deviceLimit();
        if (limit) machine.device_limit = limit;
      }
      return machine;
    },
    checkModelFactory(query) {
      factories ??= (require('../compiler/typescript/factory-check.js') as typeof import('../compiler/typescript/factory-check.js')).checkModelFactory;
      return factories(query, { readFile, fileExists });
    },
  };
}
