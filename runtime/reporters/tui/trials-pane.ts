/**
 * The trials leaderboard: one row per trial, best objective first, with its parameters, epochs done, status,
 * metrics and a sparkline of its learning curve. Columns that do not fit the width are left out, the least
 * telling first.
 */
import { formatNumber, formatValue } from '../format.js';
import { metricNames, objectiveOf, rankTrials, type RankedTrial } from '../view/leaderboard.js';
import type { RunState } from '../view/run-state.js';
import { sparkline, tail } from '../view/sparkline.js';
import { seg, titleSegs, type Seg } from './line.js';
import { STATUS_COLOR, trialColor } from './trial-colors.js';

interface Column {
  title: string;
  width: number;
  /** Lower is kept longer when the width runs out. */
  priority: number;
  align: 'left' | 'right';
  cell: (r: RankedTrial) => Seg;
}

const STATUS_TEXT: Record<string, string> = { running: 'running', completed: 'done', promoted: 'promoted', stopped_early: 'early', failed: 'failed', paused: 'paused' };

function pad(text: string, width: number, align: 'left' | 'right'): string {
  const t = [...text].length > width ? `${[...text].slice(0, Math.max(0, width - 1)).join('')}…` : text;
  return align === 'right' ? t.padStart(width) : t.padEnd(width);
}

export interface TrialsPaneInput {
  state: RunState;
  node: string;
  width: number;
  /** Trial rows to show (the title and column header come on top). */
  rows: number;
  /** Epochs each trial trains, for `3/5`; null when unknown. */
  epochs: number | null;
  /** Trials the search will try, for the count of those still queued. */
  configurations: number | null;
}

export function trialsLines({ state, node, width, rows, epochs, configurations }: TrialsPaneInput): Seg[][] {
  const ranked = rankTrials(state, node);
  const { metric, mode } = objectiveOf(state, node);
  const params = [...new Set(ranked.flatMap((r) => Object.keys(r.trial.params)))];
  const metrics = metricNames(state, node);
  const curveValues = (r: RankedTrial): (number | null)[] => r.trial.epochs.map((m) => (typeof m?.[metric] === 'number' ? m[metric]! : null));
  const all = ranked.flatMap((r) => curveValues(r)).filter((v): v is number => v !== null);
  const lo = Math.min(...all);
  const hi = Math.max(...all);
  const longest = Math.max(0, ...ranked.map((r) => r.trial.epochs.length));
  const curveWidth = Math.min(16, Math.max(5, epochs ?? longest));

  const columns: Column[] = [
    { title: '', width: 1, priority: 0, align: 'left', cell: (r) => (r.best ? seg('★', { color: 'yellow', bold: true }) : seg(' ')) },
    { title: '#', width: Math.max(2, String(Math.max(0, ...ranked.map((r) => r.trial.trial))).length), priority: 0, align: 'right', cell: (r) => seg(String(r.trial.trial), { color: trialColor(r.trial.trial), bold: true }) },
    ...params.map(
      (p, i): Column => ({
        title: p,
        width: Math.min(14, Math.max(p.length, ...ranked.map((r) => formatValue(r.trial.params[p]).length))),
        priority: 2 + i,
        align: 'right',
        cell: (r) => seg(formatValue(r.trial.params[p])),
      }),
    ),
    {
      title: 'epoch',
      width: 5,
      priority: 1,
      align: 'right',
      cell: (r) => seg(epochs !== null ? `${r.trial.epochs.length}/${epochs}` : String(r.trial.epochs.length)),
    },
    { title: 'status', width: 7, priority: 1, align: 'left', cell: (r) => seg(STATUS_TEXT[r.trial.status] ?? r.trial.status, { color: STATUS_COLOR[r.trial.status] ?? 'white' }) },
    {
      title: metric,
      width: Math.max(metric.length, 7),
      priority: 0,
      align: 'right',
      cell: (r) => seg(r.value === null ? '–' : formatNumber(r.value), r.best ? { bold: true, color: 'yellow' } : { bold: true }),
    },
    {
      title: 'curve',
      width: curveWidth,
      priority: 1,
      align: 'left',
      cell: (r) => seg(all.length > 0 ? sparkline(tail(curveValues(r), curveWidth), lo, hi) : '', { color: trialColor(r.trial.trial) }),
    },
    ...metrics
      .filter((m) => m !== metric)
      .map(
        (m, i): Column => ({
          title: m,
          width: Math.max(m.length, 6),
          priority: 10 + i,
          align: 'right',
          cell: (r) => seg(typeof r.latest[m] === 'number' ? formatNumber(r.latest[m]!) : '–', { dim: true }),
        }),
      ),
  ];

  // Keep the most telling columns that fit, in their display order.
  const chosen = new Set<Column>();
  let used = 0;
  for (const c of [...columns].sort((a, b) => a.priority - b.priority)) {
    const need = c.width + (chosen.size > 0 ? 2 : 0);
    if (used + need <= width) {
      chosen.add(c);
      used += need;
    }
  }
  const shown = columns.filter((c) => chosen.has(c));
  const row = (cells: Seg[]): Seg[] => cells.flatMap((s, i) => (i === 0 ? [s] : [seg('  '), s]));

  const running = ranked.filter((r) => r.trial.status === 'running').length;
  const paused = ranked.filter((r) => r.trial.status === 'paused').length;
  const done = ranked.length - running - paused;
  const queued = configurations !== null ? Math.max(0, configurations - ranked.length) : 0;
  const hidden = Math.max(0, ranked.length - rows);
  const note = [...(paused > 0 ? [`${paused} paused`] : [`${running} running`]), `${done} done`, ...(queued > 0 ? [`${queued} queued`] : []), ...(hidden > 0 ? [`${hidden} more not shown`] : [])].join(' · ');
  const long = `trials · ${node} · ranked by ${metric} (${mode})`;
  const title = long.length + note.length + 8 <= width ? long : `trials · by ${metric} (${mode})`;
  const lines: Seg[][] = [titleSegs(title, width, note)];
  lines.push(row(shown.map((c) => seg(pad(c.title, c.width, c.align), { dim: true }))));
  for (const r of ranked.slice(0, rows)) lines.push(row(shown.map((c) => ({ ...c.cell(r), text: pad(c.cell(r).text, c.width, c.align) }))));
  return lines;
}
