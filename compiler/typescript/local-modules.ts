/**
 * The files a model module is made of: the module and everything it imports by a relative path, found
 * through the reads the caller allows (the compiler host at lint time, the file system in a worker).
 * Packages are left out: they are resolved where the module runs, not copied or checked.
 */
import { dirname, resolve } from 'node:path';
import type { ts as Ts } from 'ts-morph';

export interface FileAccess {
  readFile(path: string): string | undefined;
  fileExists(path: string): boolean;
}

export interface LocalModule {
  path: string;
  text: string;
}

/** Extensions a TypeScript-aware runtime emits or loads as code. */
export const TS_SOURCE = /\.(ts|mts|cts|tsx)$/;

/**
 * Where a relative specifier leads, the way TypeScript's bundler resolution would: `./x.js` may name
 * `x.ts` (the Node ESM convention for TypeScript sources), an extensionless name tries the usual endings.
 */
export function resolveRelative(specifier: string, fromFile: string, files: FileAccess): string | undefined {
  const base = resolve(dirname(fromFile), specifier);
  const stem = base.replace(/\.(m|c)?js$/, '');
  const candidates: string[] = [];
  if (/\.js$/.test(base)) candidates.push(`${stem}.ts`, `${stem}.tsx`, base);
  else if (/\.mjs$/.test(base)) candidates.push(`${stem}.mts`, base);
  else if (/\.cjs$/.test(base)) candidates.push(`${stem}.cts`, base);
  else if (/\.(ts|mts|cts|tsx|json)$/.test(base)) candidates.push(base);
  else candidates.push(`${base}.ts`, `${base}.tsx`, `${base}.js`, `${base}/index.ts`, `${base}/index.js`, base);
  return candidates.find((c) => files.fileExists(c) && files.readFile(c) !== undefined);
}

/** The relative specifiers a file imports or re-exports, including type-only imports and `import()`. */
export function relativeSpecifiers(ts: typeof Ts, text: string): string[] {
  return ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName).filter((s) => s.startsWith('./') || s.startsWith('../'));
}

/** The module first, then every file reachable through relative imports, each once. */
export function localModuleGraph(ts: typeof Ts, entry: string, files: FileAccess): LocalModule[] {
  const out: LocalModule[] = [];
  const seen = new Set<string>();
  const visit = (path: string) => {
    if (seen.has(path)) return;
    seen.add(path);
    const text = files.readFile(path);
    if (text === undefined) return;
    out.push({ path, text });
    if (!TS_SOURCE.test(path) && !/\.(m|c)?js$/.test(path)) return;
    for (const specifier of relativeSpecifiers(ts, text)) {
      const target = resolveRelative(specifier, path, files);
      if (target !== undefined) visit(target);
    }
  };
  visit(entry);
  return out;
}
