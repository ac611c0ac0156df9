/** What `?` shows: the keys and how to read the panes. */
import { seg, titleSegs, type Seg } from './line.js';

const HELP: [string, string][] = [
  ['q', 'stop gracefully: running units finish and checkpoint; dlc run --resume continues'],
  ['Ctrl-C', 'the same; a second Ctrl-C kills the workers at once'],
  ['p', 'timeline marks: trial ids or partition numbers'],
  ['?  Esc', 'close this help'],
  ['', ''],
  ['steps', 'one line per wave of the DAG: ✓ done  ▶ running  · waiting  ✗ failed'],
  ['trials', 'best first by the objective; ★ the best so far; curve: the objective by epoch; early: stopped early'],
  ['workers', 'what each worker trained over time: model hopping moves trials between partitions'],
  ['', ''],
  ['', 'Everything here is rebuilt from the run directory: dlc show RUN, dlc report RUN'],
];

export function helpLines(width: number, rows: number): Seg[][] {
  const lines: Seg[][] = [titleSegs('help', width)];
  for (const [key, text] of HELP.slice(0, Math.max(0, rows - 1))) lines.push([seg(key.padEnd(8), { bold: true, color: 'cyan' }), seg(text)]);
  return lines;
}
