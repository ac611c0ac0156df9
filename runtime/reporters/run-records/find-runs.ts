/**
 * Where past runs are. `dlc run` puts a run in `runs/` next to its spec (or where --run-dir says), so runs
 * are looked for in a directory itself, in its `runs/`, and in the `runs/` of each directory just below
 * it: from a project's root that finds `./runs` and `./specs/runs` without walking the whole tree.
 */
import { readdirSync, realpathSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { isRunDir } from './read-run.js';

const SKIP = new Set(['node_modules', '.git', 'dist']);

function subdirs(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isDirectory() && !SKIP.has(d.name) && !d.name.startsWith('.'))
      .map((d) => join(dir, d.name));
  } catch {
    return [];
  }
}

const isDir = (p: string): boolean => {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
};

/** Run directories found from `root` (a run directory itself, a folder of runs, or a project). */
export function findRuns(root: string): string[] {
  const start = resolve(root);
  if (isRunDir(start)) return [start];
  const holders = [start, join(start, 'runs'), ...subdirs(start).map((d) => join(d, 'runs'))].filter(isDir);
  const found = new Map<string, string>();
  for (const holder of holders) {
    for (const dir of subdirs(holder)) {
      if (!isRunDir(dir)) continue;
      const real = realpathSync(dir);
      if (!found.has(real)) found.set(real, dir);
    }
  }
  return [...found.values()];
}

export class RunNotFoundError extends Error {}

/**
 * A run named on the command line: a path to its directory, or its id (the directory's name, or a
 * unique part of it) among the runs found from `cwd`; `latest` or nothing means the newest.
 */
export function resolveRun(arg: string | undefined, cwd: string, startOf: (dir: string) => number): string {
  if (arg !== undefined && arg !== 'latest' && isRunDir(resolve(cwd, arg))) return resolve(cwd, arg);
  const runs = findRuns(cwd);
  if (runs.length === 0) throw new RunNotFoundError(`no runs found in ${cwd}, its runs/ or */runs/${arg !== undefined && arg !== 'latest' ? `, and ${arg} is not a run directory` : ''}`);
  if (arg === undefined || arg === 'latest') return runs.sort((a, b) => startOf(a) - startOf(b)).at(-1)!;
  const exact = runs.filter((r) => basename(r) === arg);
  if (exact.length === 1) return exact[0]!;
  const partial = runs.filter((r) => basename(r).includes(arg));
  if (partial.length === 1) return partial[0]!;
  if (partial.length > 1) throw new RunNotFoundError(`'${arg}' matches ${partial.length} runs: ${partial.map((r) => basename(r)).join(', ')}`);
  throw new RunNotFoundError(`no run '${arg}' here (dlc runs lists them)`);
}
