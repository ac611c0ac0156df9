/**
 * The top lines: what runs (name, run id), how long, in what state, the keys; then the workers with their
 * TensorFlow.js backend and device, or once the run is over, its outcome and where the best model is.
 */
import { formatClock, formatNumber, formatSeconds, paramsText } from '../format.js';
import { objectiveOf } from '../view/leaderboard.js';
import type { RunState } from '../view/run-state.js';
import { seg, segsWidth, type Seg } from './line.js';

export interface HeaderInput {
  state: RunState;
  now: number;
  width: number;
  lines: 1 | 2;
  stopping: boolean;
  /** Whether keys work (stdin is a terminal). */
  keys: boolean;
}

function statusSegs(state: RunState, now: number, stopping: boolean): Seg[] {
  const f = state.finished;
  if (f) {
    const color = f.status === 'completed' ? 'green' : f.status === 'interrupted' ? 'yellow' : 'red';
    const word = f.status === 'completed' ? 'done' : f.status === 'interrupted' ? 'stopped' : 'failed';
    return [seg(word, { color, bold: true }), seg(` in ${formatSeconds(f.seconds)}`)];
  }
  if (!state.run) return [seg('starting', { dim: true })];
  const elapsed = formatClock((now - state.run.startedAt) / 1000);
  return stopping ? [seg('stopping', { color: 'yellow', bold: true }), seg(` ${elapsed}`)] : [seg('running', { color: 'yellow' }), seg(` ${elapsed}`)];
}

export function headerLines({ state, now, width, lines, stopping, keys }: HeaderInput): Seg[][] {
  const run = state.run;
  const status = statusSegs(state, now, stopping);
  const name: Seg[] = [seg('dlc run ', { dim: true }), seg(run?.name ?? '…', { bold: true })];
  const id: Seg[] = [...(run ? [seg(`  ${run.id}`, { dim: true })] : []), ...(run?.resumed ? [seg(' (resumed)', { dim: true })] : [])];
  // The run id gives way first: the state matters more on a narrow terminal.
  const withId = [...name, ...id, seg('  '), ...status];
  const left = segsWidth(withId) <= width ? withId : [...name, seg('  '), ...status];
  const keyText = !keys || state.finished ? '' : stopping ? 'q again aborts' : '? help  q stop';
  const gap = width - segsWidth(left) - keyText.length;
  const first = gap >= 2 ? [...left, seg(' '.repeat(gap)), seg(keyText, { dim: true })] : left;
  if (lines === 1) return [first];

  let second: Seg[];
  const best = state.finished?.best;
  if (state.finished && best) {
    second = [seg('best ', { dim: true }), seg(`trial ${best.trial}`, { bold: true }), seg(` ${paramsText(best.params)}`), ...(best.objective !== null ? [seg(`  ${objectiveOf(state, best.node).metric} `, { dim: true }), seg(formatNumber(best.objective), { bold: true, color: 'yellow' })] : []), seg('  model ', { dim: true })];
    const room = width - segsWidth(second);
    // A path cut at its start still ends with the directory to look in.
    second.push(seg(best.model.length <= room ? best.model : `…${best.model.slice(best.model.length - Math.max(1, room - 1))}`));
  } else if (state.finished?.error) {
    second = [seg(state.finished.error, { color: 'red' })];
  } else if (state.workers.length === 0) {
    second = [seg(run ? `starting ${run.workers} worker${run.workers === 1 ? '' : 's'}…` : '', { dim: true })];
  } else {
    second = [seg('workers ', { dim: true })];
    state.workers.forEach((w, i) => {
      if (i > 0) second.push(seg('  '));
      second.push(seg(w.id, { bold: true }), seg(` ${w.backend} on ${w.device}`, w.up ? {} : { color: 'red' }), ...(w.up ? [] : [seg(' (down)', { color: 'red' })]));
    });
  }
  return [first, second];
}
