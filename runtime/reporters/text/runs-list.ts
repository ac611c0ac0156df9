/** `dlc runs`: one line per run, oldest first so the newest ends up next to the prompt. */
import { relative } from 'node:path';
import { formatNumber, formatSeconds } from '../format.js';
import type { RunRecord } from '../run-records/read-run.js';
import { textTable } from './table.js';

export function startedText(at: number | null): string {
  if (at === null) return '–';
  const d = new Date(at);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}`;
}

export function bestText(r: RunRecord): string {
  if (!r.best || r.best.value === null) return '–';
  return `${r.best.metric} ${formatNumber(r.best.value)} (trial ${r.best.trial})`;
}

export function displayPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel === '' ? '.' : rel.startsWith('..') ? path : rel;
}

export function runsList(runs: readonly RunRecord[], cwd: string): string[] {
  return textTable(
    ['RUN', 'NAME', 'STARTED', 'STATUS', 'TIME', 'BEST'],
    runs.map((r) => [displayPath(r.path, cwd), r.name, startedText(r.startedAt), r.status, r.seconds === null ? '–' : formatSeconds(r.seconds), bestText(r)]),
    ['left', 'left', 'left', 'left', 'right', 'left'],
  );
}

export function runJson(r: RunRecord, cwd: string): Record<string, unknown> {
  return {
    path: r.path,
    display_path: displayPath(r.path, cwd),
    id: r.id,
    name: r.name,
    started: r.startedAt === null ? null : new Date(r.startedAt).toISOString(),
    status: r.status,
    seconds: r.seconds,
    best: r.best,
    evaluations: r.evaluations,
  };
}
