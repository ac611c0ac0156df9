import type { Position, Range } from '../diagnostics/types.js';

/**
 * The text of one spec file with a line table, so offsets turn into line:col without rescanning. The table
 * is built on first use: a spec that lints clean never needs it.
 */
export class SourceFile {
  private starts: number[] | undefined;

  constructor(
    readonly path: string,
    readonly text: string,
  ) {}

  get lineStarts(): readonly number[] {
    if (this.starts === undefined) {
      const starts = [0];
      const text = this.text;
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
      this.starts = starts;
    }
    return this.starts;
  }

  positionAt(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    const starts = this.lineStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] ?? 0) <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, col: o - (starts[lo] ?? 0) + 1, offset: o };
  }

  rangeAt(start: number, end: number): Range {
    const s = Math.max(0, Math.min(start, this.text.length));
    const e = Math.max(s, Math.min(end, this.text.length));
    return { start: this.positionAt(s), end: this.positionAt(e) };
  }

  lineText(line: number): string {
    const start = this.lineStarts[line - 1];
    if (start === undefined) return '';
    const next = this.lineStarts[line];
    const end = next === undefined ? this.text.length : next - 1;
    return this.text.slice(start, end).replace(/\r$/, '');
  }
}
