/**
 * The whole screen for one moment of a run: a pure component of the run state, the terminal's size and
 * the UI's own switches. Which panes show is decided by `layoutFor`; each pane builds its lines.
 */
import { Box } from 'ink';
import { formatClock } from '../format.js';
import { focusTrainNode } from '../view/leaderboard.js';
import { nodeProgress } from '../view/progress.js';
import type { RunState } from '../view/run-state.js';
import { lanesOf } from '../view/timeline.js';
import { headerLines } from './header.js';
import { helpLines } from './help-pane.js';
import { layoutFor, MIN_COLUMNS, MIN_ROWS } from './layout.js';
import { ColorContext, Line, seg, type Seg } from './line.js';
import { logLines } from './log-pane.js';
import { stepsLines } from './steps-pane.js';
import { type TimelineMarks, timelineLines } from './timeline-pane.js';
import { trialsLines } from './trials-pane.js';

export interface ScreenProps {
  state: RunState;
  now: number;
  columns: number;
  rows: number;
  color?: boolean;
  marks?: TimelineMarks;
  help?: boolean;
  stopping?: boolean;
  keys?: boolean;
}

/** The lines of the screen, without drawing them (what the component draws, and what tests read). */
export function screenLines({ state, now, columns, rows, marks = 'trials', help = false, stopping = false, keys = true }: ScreenProps): Seg[][] {
  // One column short of the edge: a line that fills it makes some terminals wrap before the next one.
  const width = Math.max(1, columns - 1);
  const focus = focusTrainNode(state);
  const steps = stepsLines(state, now, width);
  const trialCount = focus ? state.trials.filter((t) => t.node === focus).length : 0;
  const lanes = focus ? lanesOf(state, focus).filter((l) => l.units.length > 0).length : 0;
  const layout = layoutFor({ columns, rows, stepsByWaves: steps.byWaves.length, stepsFolded: steps.folded.length, trials: trialCount, lanes, logLines: state.log.length });

  if (layout.tiny) {
    const running = state.nodes.find((n) => n.status === 'running');
    const p = running ? nodeProgress(state, running, now) : null;
    const line: Seg[] = [seg(`${state.run?.name ?? 'dlc'} `, { bold: true }), seg(state.finished ? state.finished.status : running ? `${running.id}${p ? ` ${p.done}/${p.total ?? '?'}` : ''}` : 'starting')];
    if (p?.etaSeconds !== null && p?.etaSeconds !== undefined) line.push(seg(` ETA ${formatClock(p.etaSeconds)}`));
    return [line, ...(rows > 2 && columns >= 20 ? [[seg(`(${MIN_COLUMNS}×${MIN_ROWS} shows more)`, { dim: true })]] : [])];
  }

  const out: Seg[][] = headerLines({ state, now, width, lines: layout.headerLines, stopping, keys });
  const budget = rows - 1;
  if (help) return [...out, ...helpLines(width, budget - out.length)];

  out.push(...(layout.steps === 'waves' ? steps.byWaves : steps.folded).slice(0, Math.max(0, budget - out.length - (layout.trialRows > 0 ? 2 + layout.trialRows : 0))));
  const train = focus ? state.nodes.find((n) => n.id === focus) : undefined;
  if (focus && layout.trialRows > 0)
    out.push(...trialsLines({ state, node: focus, width, rows: layout.trialRows, epochs: train?.training?.epochs ?? null, configurations: train?.training?.configurations ?? null }));
  if (layout.timeline) out.push(...timelineLines(state, focus, width, now, marks));
  if (layout.logLines > 0) out.push(...logLines(state, width, Math.min(layout.logLines, budget - out.length - 1)));
  return out.slice(0, budget);
}

export function RunScreen(props: ScreenProps) {
  const lines = screenLines(props);
  return (
    <ColorContext.Provider value={props.color ?? true}>
      <Box flexDirection="column" width={props.columns}>
        {lines.map((segs, i) => (
          <Line key={i} segs={segs} width={Math.max(1, props.columns - 1)} />
        ))}
      </Box>
    </ColorContext.Provider>
  );
}
