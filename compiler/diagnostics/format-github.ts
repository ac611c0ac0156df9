import { portablePath } from './format-common.js';
import type { Diagnostic, Severity } from './types.js';

export interface GithubOptions {
  cwd: string;
}

const COMMAND: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'notice' };

/**
 * GitHub Actions workflow commands, one per diagnostic, which the runner turns into annotations on the
 * pull request: `::error file=F,line=L,col=C,endLine=…,endColumn=…,title=CODE::message`.
 */
export function formatGithub(diags: readonly Diagnostic[], opts: GithubOptions): string {
  if (diags.length === 0) return '';
  return `${diags.map((d) => githubCommand(d, opts.cwd)).join('\n')}\n`;
}

function githubCommand(d: Diagnostic, cwd: string): string {
  const { start, end } = d.range;
  const props: Array<[string, string]> = [
    ['file', portablePath(d.file, cwd)],
    ['line', String(start.line)],
  ];
  // Annotations carry columns only within one line (the checks API rejects start/end columns on a
  // multi-line annotation), so a multi-line range keeps just its lines.
  if (end.line === start.line) props.push(['col', String(start.col)]);
  props.push(['endLine', String(Math.max(end.line, start.line))]);
  if (end.line === start.line) props.push(['endColumn', String(Math.max(end.col, start.col))]);
  props.push(['title', d.code]);

  let message = d.message;
  if (d.hint) message += `\nhint: ${d.hint}`;
  for (const r of d.related ?? []) {
    message += `\nnote: ${portablePath(r.file, cwd)}:${r.range.start.line}:${r.range.start.col}: ${r.message}`;
  }
  const properties = props.map(([k, v]) => `${k}=${escapeProperty(v)}`).join(',');
  return `::${COMMAND[d.severity]} ${properties}::${escapeData(message)}`;
}

/** The escaping the Actions runner undoes in a command's message (as @actions/core does it). */
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Property values additionally escape the `:` and `,` that delimit the properties themselves. */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
