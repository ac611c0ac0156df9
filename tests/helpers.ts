import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (tests run from dist/tests/...). */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CLI = join(ROOT, 'dist', 'cli', 'main.js');
export const UPDATE_GOLDEN = process.env.UPDATE_GOLDEN === '1';

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI as a user would, without colour. `nodeArgs` go to node before the CLI (`--import ...`). */
export function runCli(args: string[], opts: { cwd?: string; env?: Record<string, string>; timeoutMs?: number; nodeArgs?: string[] } = {}): CliResult {
  const r = spawnSync(process.execPath, [...(opts.nodeArgs ?? []), CLI, ...args], {
    cwd: opts.cwd ?? ROOT,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '', ...opts.env },
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Replaces machine-specific parts of output (the checkout's location) so goldens compare anywhere. */
export function normalize(text: string): string {
  return text.split(ROOT).join('<root>');
}

const scratchDirs: string[] = [];

/**
 * A fresh directory under the system's temp directory, removed when the test process exits, so test runs
 * do not fill the disk (a run directory with checkpoints is 150 MB). DLC_KEEP_TEST_DIRS=1 keeps them, to
 * look at what a failing test left.
 */
export function scratchDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  if (process.env.DLC_KEEP_TEST_DIRS !== '1') {
    if (scratchDirs.length === 0) process.on('exit', () => scratchDirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
    scratchDirs.push(dir);
  }
  return dir;
}
