/**
 * Model hopping as it happens: one lane per worker, time running left to right, each column marked with
 * the trial the worker trained then (or the partition, when toggled with `p`). The lane's label says what
 * the worker does now.
 */
import { formatClock } from '../format.js';
import type { RunState } from '../view/run-state.js';
import { laneCells, lanesOf, trialMark, windowOf } from '../view/timeline.js';
import { seg, titleSegs, type Seg } from './line.js';
import { trialColor } from './trial-colors.js';

export type TimelineMarks = 'trials' | 'partitions';

export function timelineLines(state: RunState, node: string | undefined, width: number, now: number, marks: TimelineMarks): Seg[][] {
  const lanes = lanesOf(state, node);
  const window = windowOf(lanes, state.finished ? Math.min(now, state.finished.at) : now);
  if (!window) return [];
  const labelWidth = Math.max(...lanes.map((l) => l.worker.length)) + 1 + 12;
  const columns = Math.max(10, width - labelWidth - 1);
  const span = formatClock((window.to - window.from) / 1000);
  const mark = marks === 'trials' ? 'trial' : 'partition';
  const long = `marks: ${mark} (p toggles) · ${span}`;
  const lines: Seg[][] = [titleSegs(`workers · units over time`, width, 30 + long.length <= width ? long : `${mark} · ${span}`)];
  for (const lane of lanes) {
    const worker = state.workers.find((w) => w.id === lane.worker);
    const current = lane.units.findLast((u) => u.status === 'running');
    const doing = state.finished
      ? seg('')
      : worker && !worker.up
        ? worker.reason === 'exited' ? seg('exited', { dim: true }) : seg('lost', { color: 'red' })
        : current ? seg(`t${current.trial} p${current.partition} e${current.epoch + 1}`, { color: trialColor(current.trial) }) : seg('idle', { dim: true });
    const label = [seg(lane.worker.padEnd(labelWidth - 12), { bold: true }), { ...doing, text: doing.text.padEnd(12) }];
    const cells = laneCells(lane, window, columns, now);
    const marksSegs: Seg[] = [];
    for (const u of cells) {
      const text = u === null ? '·' : marks === 'trials' ? trialMark(u.trial) : u.partition === 'all' ? '*' : trialMark(u.partition);
      const style: Omit<Seg, 'text'> = u === null ? { dim: true } : u.status === 'failed' || u.status === 'lost' ? { color: 'red' } : { color: trialColor(u.trial) };
      const last = marksSegs.at(-1);
      if (last && last.color === style.color && last.dim === style.dim) last.text += text;
      else marksSegs.push({ text, ...style });
    }
    lines.push([...label, seg('│', { dim: true }), ...marksSegs]);
  }
  return lines;
}
