import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { CompilerHost, InspectResult, SourceToInspect } from '../compiler/host.js';

const require = createRequire(import.meta.url);

/**
 * The compiler's window on this machine. The data inspector (and the Parquet and Arrow readers behind
 * it) is loaded on the first source inspected, synchronously, so linting a spec without data pays nothing.
 */
export function createNodeHost(env: NodeJS.ProcessEnv): CompilerHost {
  let inspect: ((s: SourceToInspect) => InspectResult) | undefined;
  return {
    readFile(path) {
      try {
        if (statSync(path).isDirectory()) return undefined;
        return readFileSync(path, 'utf8');
      } catch {
        return undefined;
      }
    },
    fileExists: (path) => existsSync(path),
    env: (name) => env[name],
    inspectSource(source) {
      inspect ??= (require('../runtime/data/inspect/index.js') as { inspectSource: (s: SourceToInspect) => InspectResult }).inspectSource;
      return inspect(source);
    },
  };
}
