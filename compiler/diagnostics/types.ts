/** Diagnostics are plain data: every phase returns them, one place in the CLI prints them. */
export type Severity = 'error' | 'warning' | 'info';

/** 1-based line and column (columns count UTF-16 code units, as editors do), 0-based offset. */
export interface Position {
  line: number;
  col: number;
  offset: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export interface RelatedLocation {
  file: string;
  range: Range;
  message: string;
}

export interface Diagnostic {
  code: string;
  severity: Severity;
  message: string;
  /** Absolute path of the file the range points into. */
  file: string;
  range: Range;
  /** Dotted path into the document, e.g. `steps.search.model.layers[0]`; empty for the whole file. */
  path: string;
  hint?: string;
  related?: RelatedLocation[];
}

export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  if (a.range.start.offset !== b.range.start.offset) return a.range.start.offset - b.range.start.offset;
  if (a.code !== b.code) return a.code < b.code ? -1 : 1;
  return a.message < b.message ? -1 : a.message > b.message ? 1 : 0;
}
