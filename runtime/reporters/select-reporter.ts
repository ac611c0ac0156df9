/**
 * Which reporter `dlc run` uses: NDJSON with --json; the terminal UI when stderr is a terminal that can
 * redraw; plain lines otherwise (a pipe, a file, a CI log, TERM=dumb, or --plain).
 */
export type ReporterKind = 'json' | 'tui' | 'plain';

export function selectReporter(options: { json: boolean; plain: boolean; stderrIsTTY: boolean; env: NodeJS.ProcessEnv }): ReporterKind {
  if (options.json) return 'json';
  if (options.plain || !options.stderrIsTTY) return 'plain';
  const set = (name: string): boolean => {
    const v = options.env[name];
    return v !== undefined && v !== '' && v !== '0' && v !== 'false';
  };
  // CI logs keep every byte written, so a redrawn screen would leave every frame behind.
  if (set('CI') || set('CONTINUOUS_INTEGRATION')) return 'plain';
  if (options.env.TERM === 'dumb') return 'plain';
  return 'tui';
}
