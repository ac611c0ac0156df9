// Finding tfjs packages without loading them: whether one is installed, its version, and which copy of
// tfjs-core it would load. Two copies of tfjs-core in one process share the global engine but not their
// classes, registries of ops or flags, which breaks in ways far from the cause; checking paths up front turns
// that into a plain reason. All tfjs packages of 4.x are CommonJS with a "main" and no "exports" map, so a
// require-style resolution finds exactly the file `import()` will load.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/** How the engine reaches packages; tests substitute it to stand in for packages that are not installed. */
export interface PackageAccess {
  /** Entry file of `name` as Node resolves it from `fromFile` (default: this module), or undefined if absent. */
  resolve(name: string, fromFile?: string): string | undefined;
  /** `version` from the package.json of `name`, or undefined if absent. */
  version(name: string): string | undefined;
  /** Loads the package, for its side effects (tfjs backends register themselves on load). */
  load(name: string): Promise<unknown>;
}

const requireHere = createRequire(import.meta.url);

function isNotFound(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND';
}

export const nodePackages: PackageAccess = {
  resolve(name, fromFile) {
    try {
      return (fromFile === undefined ? requireHere : createRequire(fromFile)).resolve(name);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  },
  version(name) {
    const manifest = this.resolve(`${name}/package.json`);
    if (manifest === undefined) return undefined;
    const parsed = JSON.parse(readFileSync(manifest, 'utf8')) as { version?: unknown };
    return typeof parsed.version === 'string' ? parsed.version : undefined;
  },
  load(name) {
    // A specifier held in a variable keeps optional packages (the native ones cannot even be installed
    // offline) out of the type checker's and any bundler's static view; a missing one rejects here.
    const specifier: string = name;
    return import(specifier);
  },
};

/**
 * The tfjs-core file that `chain[0]` ends up loading, following each package's own resolution: e.g.
 * ['@tensorflow/tfjs-node', '@tensorflow/tfjs'] means tfjs-node requires @tensorflow/tfjs, which requires
 * tfjs-core. A link of the chain that cannot be found is skipped, as the next package may sit beside it.
 */
export function coreLoadedBy(access: PackageAccess, chain: readonly string[]): string | undefined {
  let from: string | undefined;
  for (const name of chain) {
    const entry = access.resolve(name, from);
    if (entry === undefined) {
      if (from === undefined) return undefined;
      continue;
    }
    from = entry;
  }
  return access.resolve('@tensorflow/tfjs-core', from);
}
