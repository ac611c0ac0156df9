import { countBySeverity, portablePath } from './format-common.js';
import type { Diagnostic, Position, Range } from './types.js';

export interface JsonOptions {
  cwd: string;
}

/** Version of the JSON document's shape; bump it when a field changes meaning or goes away. */
export const JSON_FORMAT_VERSION = 1;

/**
 * Diagnostics as one JSON document for tools. Objects are built field by field, so the key order is fixed
 * whatever order the diagnostic objects were created in: output that diffs cleanly and snapshots stably.
 */
export function formatJson(diags: readonly Diagnostic[], opts: JsonOptions): string {
  const c = countBySeverity(diags);
  const doc = {
    version: JSON_FORMAT_VERSION,
    diagnostics: diags.map((d) => jsonDiagnostic(d, opts.cwd)),
    summary: { errors: c.errors, warnings: c.warnings, infos: c.infos },
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

function jsonDiagnostic(d: Diagnostic, cwd: string): Record<string, unknown> {
  const out: Record<string, unknown> = {
    code: d.code,
    severity: d.severity,
    message: d.message,
    file: portablePath(d.file, cwd),
    range: jsonRange(d.range),
    path: d.path,
  };
  if (d.hint !== undefined) out.hint = d.hint;
  if (d.related && d.related.length > 0) {
    out.related = d.related.map((r) => ({ file: portablePath(r.file, cwd), range: jsonRange(r.range), message: r.message }));
  }
  return out;
}

function jsonRange(r: Range): { start: Position; end: Position } {
  return { start: jsonPosition(r.start), end: jsonPosition(r.end) };
}

function jsonPosition(p: Position): Position {
  return { line: p.line, col: p.col, offset: p.offset };
}
