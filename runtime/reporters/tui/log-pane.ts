/** The latest messages of the run: warnings, failures, lost workers, trials as they finish. */
import type { RunState } from '../view/run-state.js';
import { seg, titleSegs, type Seg } from './line.js';

const clockOf = (at: number): string => {
  const d = new Date(at);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
};

export function logLines(state: RunState, width: number, count: number): Seg[][] {
  if (count <= 0) return [];
  const lines: Seg[][] = [titleSegs('log', width)];
  for (const l of state.log.slice(-count)) {
    const style = l.level === 'error' ? { color: 'red' } : l.level === 'warn' ? { color: 'yellow' } : {};
    lines.push([seg(`${clockOf(l.at)} `, { dim: true }), seg(l.message.replace(/\s*\n\s*/g, ' · '), style)]);
  }
  return lines;
}
