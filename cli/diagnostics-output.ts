import type { CompileResult, Diagnostic } from '../compiler/index.js';
import type { SourceFile } from '../compiler/source/source-file.js';
import { formatGithub, formatJson, formatPretty, formatSarif } from '../compiler/diagnostics/index.js';
import { UsageError } from './usage-error.js';

export type DiagnosticFormat = 'pretty' | 'json' | 'github' | 'sarif';

export function parseFormat(v: unknown): DiagnosticFormat {
  if (v === undefined) return 'pretty';
  if (v === 'pretty' || v === 'json' || v === 'github' || v === 'sarif') return v;
  throw new UsageError(`--format must be pretty, json, github or sarif, got '${String(v)}'`);
}

/** Colour only on a terminal, never with NO_COLOR (https://no-color.org), forced by FORCE_COLOR. */
export function useColor(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true;
}

/** The one place that turns diagnostics into text. */
export function renderDiagnostics(diags: Diagnostic[], files: Map<string, SourceFile>, format: DiagnosticFormat, opts: { cwd: string; color: boolean; version: string }): string {
  switch (format) {
    case 'pretty':
      return formatPretty(diags, { getSource: (f) => files.get(f), color: opts.color, cwd: opts.cwd });
    case 'json':
      return formatJson(diags, { cwd: opts.cwd });
    case 'github':
      return formatGithub(diags, { cwd: opts.cwd });
    case 'sarif':
      return formatSarif(diags, { cwd: opts.cwd, toolVersion: opts.version });
  }
}

export function allDiagnostics(r: CompileResult): Diagnostic[] {
  return r.ok ? r.warnings : [...r.errors, ...r.warnings];
}
