/** Each trial keeps one colour in every pane, so a row of the leaderboard can be found in the timeline. */
const PALETTE = ['cyan', 'magenta', 'yellow', 'green', 'blue', 'red', 'cyanBright', 'magentaBright', 'yellowBright', 'greenBright', 'blueBright', 'redBright'];

export function trialColor(trial: number): string {
  return PALETTE[trial % PALETTE.length]!;
}

export const STATUS_COLOR: Record<string, string> = {
  completed: 'green',
  cached: 'green',
  running: 'yellow',
  stopped_early: 'cyan',
  failed: 'red',
  lost: 'red',
  stopped: 'yellow',
  paused: 'yellow',
  pending: 'gray',
};
