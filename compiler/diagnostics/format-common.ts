import { isAbsolute, relative, sep } from 'node:path';
import type { Diagnostic } from './types.js';

/**
 * The path a person or a CI system should see: relative to `cwd` when the file lies inside it (that is what
 * editors and CI annotations resolve against), absolute otherwise, so a path never climbs out with `../`.
 */
export function displayPath(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return file;
  return rel;
}

/** As displayPath, with `/` separators: machine formats (JSON, GitHub, SARIF) must not depend on the OS. */
export function portablePath(file: string, cwd: string): string {
  const shown = displayPath(file, cwd);
  return sep === '/' ? shown : shown.split(sep).join('/');
}

/** True when the file lies inside cwd (diagnostic files are always absolute). */
export function isInside(file: string, cwd: string): boolean {
  return displayPath(file, cwd) !== file;
}

export interface SeverityCounts {
  errors: number;
  warnings: number;
  infos: number;
}

export function countBySeverity(diags: readonly Diagnostic[]): SeverityCounts {
  const counts: SeverityCounts = { errors: 0, warnings: 0, infos: 0 };
  for (const d of diags) {
    if (d.severity === 'error') counts.errors++;
    else if (d.severity === 'warning') counts.warnings++;
    else counts.infos++;
  }
  return counts;
}

export function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}
