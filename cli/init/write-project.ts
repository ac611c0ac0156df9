/**
 * Writing a project without ever overwriting a file. The whole set is compared with the directory first:
 * a file that already holds exactly the template's bytes is left as it is, and any file that differs stops
 * the init before anything is written, so a project is never half generated or half replaced.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ProjectFile } from './project-files.js';

export interface WritePlan {
  /** Files to create. */
  create: ProjectFile[];
  /** Files already there with the same content. */
  same: string[];
  /** Files already there with other content, or directories where a file would go. */
  conflicts: string[];
  /** Whether the directory held anything before. */
  nonEmpty: boolean;
}

export function planWrites(dir: string, files: readonly ProjectFile[]): WritePlan {
  const plan: WritePlan = { create: [], same: [], conflicts: [], nonEmpty: existsSync(dir) && readdirSync(dir).length > 0 };
  for (const file of files) {
    const target = join(dir, file.path);
    if (blockedByFile(dir, file.path)) plan.conflicts.push(file.path);
    else if (!existsSync(target)) plan.create.push(file);
    else if (statSync(target).isFile() && readFileSync(target).equals(file.content)) plan.same.push(file.path);
    else plan.conflicts.push(file.path);
  }
  return plan;
}

/** A file standing where one of the path's folders would have to be. */
function blockedByFile(dir: string, path: string): boolean {
  const parts = path.split('/').slice(0, -1);
  for (let i = 1; i <= parts.length; i++) {
    const p = join(dir, ...parts.slice(0, i));
    if (existsSync(p) && !statSync(p).isDirectory()) return true;
  }
  return false;
}

export function writeFiles(dir: string, files: readonly ProjectFile[]): void {
  for (const file of files) {
    const target = join(dir, file.path);
    mkdirSync(dirname(target), { recursive: true });
    // `wx` fails rather than replace a file that appeared since the plan was made.
    writeFileSync(target, file.content, { flag: 'wx' });
  }
}
