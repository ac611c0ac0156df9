/**
 * The DAG's steps, one line per wave (every step's inputs are in earlier lines), each with its state; a
 * running step that counts its work gets a progress bar with the time left. Folded, the steps run on as
 * one flow over as few lines as the width allows.
 */
import { clip, formatClock, formatSeconds } from '../format.js';
import { nodeProgress, progressBar, type Progress } from '../view/progress.js';
import type { NodeView, RunState } from '../view/run-state.js';
import { seg, segsWidth, titleSegs, type Seg } from './line.js';
import { STATUS_COLOR } from './trial-colors.js';

const ICON: Record<NodeView['status'], string> = { pending: '·', running: '▶', completed: '✓', cached: '✓', failed: '✗', stopped: '■' };

function nodeSegs(node: NodeView, now: number): Seg[] {
  const color = STATUS_COLOR[node.status];
  const out: Seg[] = [seg(ICON[node.status], color !== undefined ? { color } : {}), seg(` ${node.id}`, node.status === 'pending' ? { dim: true } : node.status === 'running' ? { bold: true } : {})];
  if (node.status === 'running' && node.startedAt !== undefined) out.push(seg(` ${formatClock((now - node.startedAt) / 1000)}`, { dim: true }));
  else if (node.status === 'cached') out.push(seg(' cached', { dim: true }));
  else if (node.seconds !== undefined && node.status !== 'pending') out.push(seg(` ${formatSeconds(node.seconds)}`, { dim: true }));
  return out;
}

/** `▶ search ████░░░ 22/40 units 55% · 0:07 · ETA 0:06`, the bar as wide as the room allows. */
export function progressSegs(node: NodeView, p: Progress, width: number): Seg[] {
  const name = `▶ ${node.id} `;
  const count = p.total !== null ? `${p.done}/${p.total}${p.unit ? ` ${p.unit}` : ''}` : `${p.done}${p.unit ? ` ${p.unit}` : ''}`;
  const pct = p.total !== null && p.total > 0 ? ` ${Math.floor((100 * p.done) / p.total)}%` : '';
  const time = ` · ${formatClock(p.elapsedSeconds)}${p.etaSeconds !== null ? ` · ETA ${formatClock(p.etaSeconds)}` : node.status === 'running' && p.total !== null ? ' · ETA …' : ''}`;
  const text = ` ${count}${pct}${time}`;
  const barWidth = Math.max(6, Math.min(30, width - name.length - text.length));
  const fraction = p.total !== null && p.total > 0 ? p.done / p.total : 0;
  const bar = progressBar(fraction, barWidth);
  return [seg('▶', { color: 'yellow' }), seg(` ${node.id} `, { bold: true }), seg(bar.filled, { color: 'green' }), seg(bar.empty, { dim: true }), seg(` ${count}`, { bold: true }), seg(pct), seg(time, { dim: true })];
}

/** Steps side by side, each padded to its column's width so the waves line up. */
const join = (parts: Seg[][], widths: readonly number[]): Seg[] => parts.flatMap((p, i) => (i === 0 ? p : [seg(' '.repeat(3 + (widths[i - 1] ?? 0) - segsWidth(parts[i - 1]!))), ...p]));

function wavesOf(state: RunState): NodeView[][] {
  const waves: NodeView[][] = [];
  for (const n of state.nodes) (waves[n.wave] ??= []).push(n);
  return waves.filter((w) => w.length > 0);
}

export interface StepsLines {
  byWaves: Seg[][];
  folded: Seg[][];
}

export function stepsLines(state: RunState, now: number, width: number): StepsLines {
  const withProgress = new Map<string, Progress>();
  for (const n of state.nodes) {
    if (n.status !== 'running') continue;
    const p = nodeProgress(state, n, now);
    if (p) withProgress.set(n.id, p);
  }
  const done = state.nodes.filter((n) => n.status === 'completed' || n.status === 'cached').length;
  const title = titleSegs('steps', width, `${done}/${state.nodes.length} done`);

  const byWaves: Seg[][] = [title];
  const waves = wavesOf(state);
  const widths: number[] = [];
  for (const wave of waves) wave.forEach((n, i) => (widths[i] = Math.max(widths[i] ?? 0, segsWidth(nodeSegs(n, now)))));
  for (const wave of waves) {
    const only = wave.length === 1 ? wave[0]! : undefined;
    if (only && withProgress.has(only.id)) {
      byWaves.push(progressSegs(only, withProgress.get(only.id)!, width));
      continue;
    }
    byWaves.push(join(wave.map((n) => nodeSegs(n, now)), widths));
    for (const n of wave) if (withProgress.has(n.id)) byWaves.push(progressSegs(n, withProgress.get(n.id)!, width));
  }

  // Folded: steps flow on over the width; when that still takes more than two lines the finished ones
  // are counted instead of named.
  const flow = (nodes: NodeView[], lead: Seg[][]): Seg[][] => {
    const lines: Seg[][] = [];
    let line: Seg[] = [];
    for (const s of [...lead, ...nodes.map((n) => nodeSegs(n, now))]) {
      if (line.length > 0 && segsWidth(line) + 2 + segsWidth(s) > width) {
        lines.push(line);
        line = [];
      }
      line = line.length === 0 ? s : [...line, seg('  '), ...s];
    }
    if (line.length > 0) lines.push(line);
    return lines;
  };
  // A step with a bar is named on the bar's line only.
  const named = state.nodes.filter((n) => !withProgress.has(n.id));
  let folded = flow(named, []);
  if (folded.length > 2) {
    const finished = named.filter((n) => n.status === 'completed' || n.status === 'cached');
    folded = flow(
      named.filter((n) => !finished.includes(n)),
      finished.length > 0 ? [[seg('✓', { color: 'green' }), seg(` ${finished.length} steps done`)]] : [],
    );
  }
  for (const [id, p] of withProgress) folded.push(progressSegs(state.nodes.find((n) => n.id === id)!, p, width));
  return { byWaves, folded: folded.length > 0 ? folded : [[seg(clip('waiting for the first step', width), { dim: true })]] };
}
