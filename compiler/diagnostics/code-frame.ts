import type { SourceFile } from '../source/source-file.js';
import type { Range } from './types.js';

/**
 * A code frame: the line before the range, the range's first line with a line-number gutter, and a marker
 * line (`^~~~`) under the range. Columns in diagnostics count UTF-16 code units, but a terminal counts
 * cells: tabs jump to tab stops, CJK and most emoji take two cells, combining marks none. Everything below
 * works in cells so the marker sits under the characters it means.
 */
export interface CodeFrameOptions {
  /** Cells of source text shown per line at most; longer lines are windowed around the range. */
  maxWidth?: number;
  tabWidth?: number;
  /** Styling hooks (colour); identity when absent. */
  gutter?: (s: string) => string;
  marker?: (s: string) => string;
  note?: (s: string) => string;
}

const DEFAULT_MAX_WIDTH = 100;
const DEFAULT_TAB_WIDTH = 4;
/** Cells of context kept before the range when a long line is windowed. */
const LEAD_CONTEXT = 16;
const ELLIPSIS = '…';

/** One visible character: where it starts (in cells), how wide it is, and what to print for it. */
interface Cell {
  start: number;
  width: number;
  out: string;
}

interface LaidOutLine {
  cells: Cell[];
  /** Cell column for each UTF-16 index 0..length (a low surrogate maps to its pair's start). */
  colOfUnit: number[];
  width: number;
}

export function codeFrame(source: SourceFile, range: Range, opts: CodeFrameOptions = {}): string[] {
  const line = range.start.line;
  if (line < 1 || line > source.lineStarts.length) return [];
  const maxWidth = Math.max(8, opts.maxWidth ?? DEFAULT_MAX_WIDTH);
  const tabWidth = Math.max(1, opts.tabWidth ?? DEFAULT_TAB_WIDTH);
  const gutterStyle = opts.gutter ?? identity;
  const markerStyle = opts.marker ?? identity;
  const noteStyle = opts.note ?? identity;

  const text = source.lineText(line);
  const main = layOut(text, tabWidth);

  // A range that ends at column 1 of a later line stops at the end of the line before it.
  const lastLine = range.end.col === 1 && range.end.line > line ? range.end.line - 1 : range.end.line;
  const multiLine = lastLine > line;
  const startUnit = clamp(range.start.col - 1, 0, text.length);
  let endUnit: number;
  if (range.end.line > line) endUnit = text.length;
  else if (range.end.line < line) endUnit = startUnit; // a malformed range: show where it starts
  else endUnit = clamp(range.end.col - 1, startUnit, text.length);
  const caretStart = main.colOfUnit[startUnit] ?? main.width;
  const caretEnd = main.colOfUnit[endUnit] ?? main.width;

  const window = chooseWindow(main.width, caretStart, caretEnd, maxWidth);
  const lineNumbers = line > 1 ? [line - 1, line] : [line];
  const gutterWidth = String(line).length;
  const out: string[] = [];

  for (const n of lineNumbers) {
    const laid = n === line ? main : layOut(source.lineText(n), tabWidth);
    const shown = render(laid, window);
    const gutter = `  ${String(n).padStart(gutterWidth)} |`;
    out.push(shown === '' ? gutterStyle(gutter) : `${gutterStyle(gutter)} ${shown}`);
  }

  const shownEnd = visibleEndOf(main.width, window);
  const visibleEnd = Math.min(caretEnd, shownEnd);
  const clippedRight = caretEnd > shownEnd;
  const offset = window.prefix + (caretStart - window.start);
  const width = Math.max(1, visibleEnd - caretStart);
  let marker = `^${'~'.repeat(width - 1)}`;
  if (clippedRight && !multiLine) marker += ELLIPSIS;
  const suffix = multiLine ? ` ${ELLIPSIS} to line ${lastLine}` : '';
  const markerGutter = `  ${' '.repeat(gutterWidth)} |`;
  out.push(`${gutterStyle(markerGutter)} ${' '.repeat(offset)}${markerStyle(marker)}${suffix ? noteStyle(suffix) : ''}`);
  return out;
}

interface Window {
  /** First cell column shown. */
  start: number;
  /** Cells available for text after the leading ellipsis column. */
  avail: number;
  /** Cells taken by the leading ellipsis column (0 or 1). */
  prefix: number;
}

/**
 * Lines that fit are shown whole. A longer line is windowed around the range; the window's start applies
 * to the context line too, so both stay aligned, and each line is cut at the right edge on its own.
 */
function chooseWindow(lineWidth: number, caretStart: number, caretEnd: number, maxWidth: number): Window {
  // The caret may sit one cell past the last character (end of line), so that cell must fit as well.
  const needed = Math.max(lineWidth, caretStart + 1);
  if (needed <= maxWidth) return { start: 0, avail: maxWidth, prefix: 0 };
  const lead = Math.min(LEAD_CONTEXT, Math.floor(maxWidth / 4));
  // Keep the whole range in view when it fits, else start the window just before it.
  const span = caretEnd - caretStart;
  const wanted = span + lead < maxWidth ? caretStart - lead : caretStart - Math.min(lead, 4);
  const start = clamp(wanted, 0, needed - (maxWidth - 1));
  const prefix = start > 0 ? 1 : 0;
  return { start, avail: maxWidth - prefix, prefix };
}

/** The cell column one past the last character `render` shows of a line of this width. */
function visibleEndOf(lineWidth: number, window: Window): number {
  const end = window.start + window.avail;
  // A cut line gives its last cell to the trailing ellipsis.
  return lineWidth > end ? end - 1 : end;
}

function render(laid: LaidOutLine, window: Window): string {
  const end = visibleEndOf(laid.width, window);
  let body = '';
  let cursor = window.start;
  let cutBefore = false;
  let cutAfter = false;
  for (const cell of laid.cells) {
    if (cell.start < window.start) {
      cutBefore = true;
      continue;
    }
    if (cell.start + cell.width > end) {
      cutAfter = true;
      break;
    }
    // A wide character or tab straddling the window's left edge leaves a gap: pad it so columns line up.
    if (cell.start > cursor) body += ' '.repeat(cell.start - cursor);
    body += cell.out;
    cursor = cell.start + cell.width;
  }
  let lead = '';
  if (window.prefix > 0) lead = cutBefore ? ELLIPSIS : ' ';
  const shown = (lead + body).trimEnd();
  return cutAfter ? `${shown}${ELLIPSIS}` : shown;
}

function layOut(text: string, tabWidth: number): LaidOutLine {
  const cells: Cell[] = [];
  const colOfUnit: number[] = new Array<number>(text.length + 1);
  let col = 0;
  for (let i = 0; i < text.length; ) {
    const cp = text.codePointAt(i) ?? 0;
    const units = cp > 0xffff ? 2 : 1;
    let out: string;
    let width: number;
    if (cp === 9) {
      width = tabWidth - (col % tabWidth);
      out = ' '.repeat(width);
    } else {
      out = visibleChar(cp);
      width = out === String.fromCodePoint(cp) ? charWidth(cp) : 1;
    }
    for (let k = 0; k < units; k++) colOfUnit[i + k] = col;
    cells.push({ start: col, width, out });
    col += width;
    i += units;
  }
  colOfUnit[text.length] = col;
  return { cells, colOfUnit, width: col };
}

/**
 * Text that is safe to print on a terminal: C0/C1 controls (an escape sequence in a spec file must not
 * drive the user's terminal) become visible symbols; tabs and, when `keepNewlines`, newlines stay.
 */
export function visible(text: string, keepNewlines = true): string {
  let out = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp === 9 || (keepNewlines && cp === 10)) out += ch;
    else out += visibleChar(cp);
  }
  return out;
}

function visibleChar(cp: number): string {
  if (cp < 0x20) return String.fromCharCode(0x2400 + cp); // Control Pictures: ␀ … ␟
  if (cp === 0x7f) return '\u2421'; // ␡
  if (cp >= 0x80 && cp <= 0x9f) return '\ufffd';
  if (cp >= 0xd800 && cp <= 0xdfff) return '\ufffd'; // a lone surrogate
  return String.fromCodePoint(cp);
}

const ZERO_WIDTH = /^[\p{Mn}\p{Me}\p{Cf}]$/u;

/**
 * Terminal cells taken by one code point: an approximation of wcwidth (East Asian Wide and Fullwidth
 * ranges and the emoji blocks count two; nonspacing marks and format characters, such as the zero-width
 * joiner, count none). Terminals themselves disagree on some emoji, so this aims at the common case.
 */
export function charWidth(cp: number): number {
  if (ZERO_WIDTH.test(String.fromCodePoint(cp))) return 0;
  return isWide(cp) ? 2 : 1;
}

const WIDE_RANGES: ReadonlyArray<readonly [number, number]> = [
  [0x1100, 0x115f], [0x231a, 0x231b], [0x2329, 0x232a], [0x23e9, 0x23ec], [0x23f0, 0x23f0], [0x23f3, 0x23f3],
  [0x25fd, 0x25fe], [0x2614, 0x2615], [0x2648, 0x2653], [0x267f, 0x267f], [0x2693, 0x2693], [0x26a1, 0x26a1],
  [0x26aa, 0x26ab], [0x26bd, 0x26be], [0x26c4, 0x26c5], [0x26ce, 0x26ce], [0x26d4, 0x26d4], [0x26ea, 0x26ea],
  [0x26f2, 0x26f3], [0x26f5, 0x26f5], [0x26fa, 0x26fa], [0x26fd, 0x26fd], [0x2705, 0x2705], [0x270a, 0x270b],
  [0x2728, 0x2728], [0x274c, 0x274c], [0x274e, 0x274e], [0x2753, 0x2755], [0x2757, 0x2757], [0x2795, 0x2797],
  [0x27b0, 0x27b0], [0x27bf, 0x27bf], [0x2b1b, 0x2b1c], [0x2b50, 0x2b50], [0x2b55, 0x2b55], [0x2e80, 0x303e],
  [0x3041, 0x33ff], [0x3400, 0x4dbf], [0x4e00, 0x9fff], [0xa000, 0xa4cf], [0xa960, 0xa97f], [0xac00, 0xd7a3],
  [0xf900, 0xfaff], [0xfe10, 0xfe19], [0xfe30, 0xfe6f], [0xff00, 0xff60], [0xffe0, 0xffe6], [0x16fe0, 0x16fe4],
  [0x17000, 0x18cff], [0x1b000, 0x1b2ff], [0x1f004, 0x1f004], [0x1f0cf, 0x1f0cf], [0x1f18e, 0x1f18e],
  [0x1f191, 0x1f19a], [0x1f200, 0x1f251], [0x1f300, 0x1f64f], [0x1f680, 0x1f6ff], [0x1f7e0, 0x1f7eb],
  [0x1f90c, 0x1f9ff], [0x1fa70, 0x1faff], [0x20000, 0x3fffd],
];

function isWide(cp: number): boolean {
  if (cp < 0x1100) return false;
  let lo = 0;
  let hi = WIDE_RANGES.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = WIDE_RANGES[mid];
    if (!r) break;
    if (cp < r[0]) hi = mid - 1;
    else if (cp > r[1]) lo = mid + 1;
    else return true;
  }
  return false;
}

function clamp(n: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, n));
}

function identity(s: string): string {
  return s;
}
