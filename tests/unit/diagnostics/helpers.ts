import { SourceFile } from '../../../compiler/source/source-file.js';
import type { Diagnostic, RelatedLocation, Severity } from '../../../compiler/diagnostics/types.js';

/** A diagnostic over the first occurrence of `needle` in the file (or a zero-width one at `at`). */
export function diagAt(
  file: SourceFile,
  needle: string | { offset: number; length?: number },
  extra: { code?: string; severity?: Severity; message?: string; path?: string; hint?: string; related?: RelatedLocation[] } = {},
): Diagnostic {
  let start: number;
  let length: number;
  if (typeof needle === 'string') {
    start = file.text.indexOf(needle);
    if (start < 0) throw new Error(`'${needle}' is not in ${file.path}`);
    length = needle.length;
  } else {
    start = needle.offset;
    length = needle.length ?? 0;
  }
  const d: Diagnostic = {
    code: extra.code ?? 'DLC401',
    severity: extra.severity ?? 'error',
    message: extra.message ?? 'something is wrong',
    file: file.path,
    range: file.rangeAt(start, start + length),
    path: extra.path ?? '',
  };
  if (extra.hint !== undefined) d.hint = extra.hint;
  if (extra.related !== undefined) d.related = extra.related;
  return d;
}

export function sourceMap(...files: SourceFile[]): (path: string) => SourceFile | undefined {
  const map = new Map(files.map((f) => [f.path, f]));
  return (path) => map.get(path);
}

/** Matches any ANSI escape sequence. */
export const ANSI = /\x1b\[/;
