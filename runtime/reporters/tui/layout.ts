/**
 * Which panes fit a terminal of a given size, and how many lines each gets. The frame is kept one line
 * shorter than the terminal: a frame as tall as the screen makes the terminal scroll and ink redraw it all.
 * Panes give way in this order: the log, the steps drawn by waves (folded into a few lines), trial rows
 * beyond the first five, the timeline, further trial rows, the second header line.
 */
export interface LayoutInput {
  columns: number;
  rows: number;
  /** Lines the steps take drawn one wave per line (with their title), and folded into a flow. */
  stepsByWaves: number;
  stepsFolded: number;
  trials: number;
  /** Worker lanes of the timeline (0: nothing to draw yet). */
  lanes: number;
  logLines: number;
}

export interface Layout {
  /** Too small for anything but the header. */
  tiny: boolean;
  headerLines: 1 | 2;
  steps: 'waves' | 'folded';
  stepsLines: number;
  /** Trial rows shown (the pane adds a title and a column header). */
  trialRows: number;
  timeline: boolean;
  logLines: number;
}

export const MIN_COLUMNS = 40;
export const MIN_ROWS = 8;
const LOG_MAX = 8;

export function layoutFor(input: LayoutInput): Layout {
  const budget = input.rows - 1;
  const tiny = input.columns < MIN_COLUMNS || input.rows < MIN_ROWS;
  const trialsPane = (rows: number): number => (input.trials > 0 ? 2 + rows : 0);
  const timelinePane = input.lanes > 0 ? 1 + input.lanes : 0;
  let headerLines: 1 | 2 = 2;
  let steps: Layout['steps'] = 'waves';
  let trialRows = input.trials;
  let timeline = input.lanes > 0;
  const stepsLines = (): number => (steps === 'waves' ? input.stepsByWaves : input.stepsFolded);
  const used = (): number => headerLines + stepsLines() + trialsPane(trialRows) + (timeline ? timelinePane : 0);
  if (tiny) return { tiny, headerLines: 1, steps: 'folded', stepsLines: 0, trialRows: 0, timeline: false, logLines: 0 };

  if (used() > budget) steps = 'folded';
  if (used() > budget) trialRows = Math.max(Math.min(input.trials, 5), input.trials - (used() - budget));
  if (used() > budget) timeline = false;
  if (used() > budget) trialRows = Math.max(1, trialRows - (used() - budget));
  if (used() > budget) headerLines = 1;
  if (used() > budget) trialRows = 0;
  const left = budget - used();
  // A log pane needs its title and at least two lines to be worth showing.
  const logLines = input.logLines > 0 && left >= 3 ? Math.min(LOG_MAX, left - 1, input.logLines) : 0;
  return { tiny, headerLines, steps, stepsLines: stepsLines(), trialRows, timeline, logLines };
}
