import type { SourceFile } from '../source/source-file.js';
import { codeFrame, visible } from './code-frame.js';
import { countBySeverity, displayPath, plural } from './format-common.js';
import type { Diagnostic, Severity } from './types.js';

export interface PrettyOptions {
  /** The text a diagnostic's file had when it was compiled; without it the code frame is left out. */
  getSource(file: string): SourceFile | undefined;
  color: boolean;
  cwd: string;
  /** Cells of source text per framed line (default 100). */
  maxWidth?: number;
}

type Paint = (s: string) => string;

interface Palette {
  bold: Paint;
  dim: Paint;
  severity: Record<Severity, Paint>;
}

// Each style closes with its own reset (22 for bold/dim, 39 for colour) rather than a full reset, so
// nested styles survive.
const sgr = (open: number, close: number): Paint => (s) => (s === '' ? s : `\x1b[${open}m${s}\x1b[${close}m`);
const COLOR: Palette = {
  bold: sgr(1, 22),
  dim: sgr(2, 22),
  severity: { error: sgr(31, 39), warning: sgr(33, 39), info: sgr(36, 39) },
};
const plain: Paint = (s) => s;
const NO_COLOR: Palette = { bold: plain, dim: plain, severity: { error: plain, warning: plain, info: plain } };

/**
 * Human-readable diagnostics: a `file:line:col: severity CODE message` line, a code frame, the hint and the
 * related locations, then a one-line summary. Returns '' when there is nothing to report.
 */
export function formatPretty(diags: readonly Diagnostic[], opts: PrettyOptions): string {
  if (diags.length === 0) return '';
  const p = opts.color ? COLOR : NO_COLOR;
  const blocks = diags.map((d) => formatOne(d, opts, p));
  return `${blocks.join('\n\n')}\n\n${summaryLine(diags, p)}\n`;
}

function formatOne(d: Diagnostic, opts: PrettyOptions, p: Palette): string {
  const paint = p.severity[d.severity];
  const where = `${displayPath(d.file, opts.cwd)}:${d.range.start.line}:${d.range.start.col}`;
  const lines = [`${where}: ${p.bold(paint(`${d.severity} ${d.code}`))} ${p.bold(indentRest(visible(d.message), 2))}`];
  const source = opts.getSource(d.file);
  if (source) {
    const frameOpts = { gutter: p.dim, marker: (s: string) => p.bold(paint(s)), note: p.dim };
    lines.push(...codeFrame(source, d.range, opts.maxWidth === undefined ? frameOpts : { ...frameOpts, maxWidth: opts.maxWidth }));
  }
  if (d.hint) lines.push(`  ${p.bold('hint:')} ${indentRest(visible(d.hint), 8)}`);
  for (const r of d.related ?? []) {
    const at = `${displayPath(r.file, opts.cwd)}:${r.range.start.line}:${r.range.start.col}`;
    lines.push(`  ${p.bold('note:')} ${at}: ${indentRest(visible(r.message), 8)}`);
  }
  return lines.join('\n');
}

/** Continuation lines of a multi-line message line up under its first line. */
function indentRest(text: string, by: number): string {
  return text.replace(/\n/g, `\n${' '.repeat(by)}`);
}

function summaryLine(diags: readonly Diagnostic[], p: Palette): string {
  const c = countBySeverity(diags);
  const errors = plural(c.errors, 'error', 'errors');
  const warnings = plural(c.warnings, 'warning', 'warnings');
  const parts = [
    c.errors > 0 ? p.bold(p.severity.error(errors)) : errors,
    c.warnings > 0 ? p.bold(p.severity.warning(warnings)) : warnings,
  ];
  if (c.infos > 0) parts.push(p.bold(p.severity.info(plural(c.infos, 'info', 'infos'))));
  return parts.join(', ');
}
