import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve, sep } from 'node:path';
import { directoryNotFile, SourceError } from './source-error.js';

// Loaded on the first glob: most sources name one file, and `dlc lint` should not pay for a crawler.
const require = createRequire(import.meta.url);
let globber: typeof import('tinyglobby') | undefined;
const tinyglobby = (): typeof import('tinyglobby') => (globber ??= require('tinyglobby') as typeof import('tinyglobby'));
const isDynamicPattern = (p: string): boolean => tinyglobby().isDynamicPattern(p);

/** True when `path` has glob syntax (`*`, `?`, `[...]`, `{a,b}`, `**`), making it a partitioned source. */
export const isGlobPattern = (path: string): boolean => isDynamicPattern(path);

/**
 * The files a source path names: the file itself, or every file a glob matches, absolute and sorted by
 * code unit so partition order is the same on every machine. Throws `missing` or `glob-empty`.
 */
export function matchSourceFiles(path: string): string[] {
  const absolute = resolve(path);
  // A file whose name merely contains glob characters (`scores[2024].csv`) is that file.
  if (isFile(absolute)) return [absolute];
  if (!isGlobPattern(absolute)) {
    throw exists(absolute) ? directoryNotFile(absolute) : new SourceError('missing', absolute, `${absolute} does not exist`);
  }
  const { base, pattern } = splitGlob(absolute);
  // Crawling starts at the pattern's fixed prefix: a glob under /data must not walk the whole disk.
  const files = exists(base) ? tinyglobby().globSync(pattern, { cwd: base, absolute: true, onlyFiles: true, expandDirectories: false }) : [];
  if (files.length === 0) throw new SourceError('glob-empty', absolute, `no files match ${absolute}`);
  return files.map((f) => resolve(f)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * `/data/events/2024-*\/*.parquet` → base `/data/events`, pattern `2024-*\/*.parquet`. A directory that
 * exists under a name that looks like glob syntax (`run(1)`) stays in the base, where it is taken literally.
 */
function splitGlob(absolute: string): { base: string; pattern: string } {
  const parts = absolute.split(sep);
  let fixed = 1; // parts[0] is the empty string before the leading separator
  while (fixed < parts.length - 1) {
    const dir = parts.slice(0, fixed + 1).join(sep);
    if (isDynamicPattern(parts[fixed]!) && !isDirectory(dir)) break;
    fixed++;
  }
  return { base: parts.slice(0, fixed).join(sep) || sep, pattern: parts.slice(fixed).join('/') };
}

function isDirectory(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
}

function isFile(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
}

function exists(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false }) !== undefined;
}
