import { scanCsvRecords } from './csv-records.js';
import { readTextHead, TEXT_HEAD_BYTES, withFile } from './file-bytes.js';
import type { FileInspection, InspectedColumn } from './file-schema.js';
import { inferTextType, widenWithinFile } from './infer-type.js';
import { corrupt } from './source-error.js';

/** Rows sampled per file for type inference; the read is also capped at ~1 MiB, whichever comes first. */
export const CSV_SAMPLE_ROWS = 1000;

export interface CsvOptions {
  delimiter?: string;
  header?: boolean;
  /** How much of the file to sample (default ~1 MiB). */
  headBytes?: number;
}

/** Column names and types of one CSV file, from its header and the first rows. */
export function inspectCsvFile(path: string, options: CsvOptions = {}): FileInspection {
  const delimiter = options.delimiter ?? ',';
  const hasHeader = options.header ?? true;
  if (delimiter === '' || delimiter.includes('"') || delimiter.includes('\n') || delimiter.includes('\r')) {
    throw corrupt(path, `cannot be read with delimiter ${JSON.stringify(delimiter)}`);
  }
  return withFile(path, (file) => {
    const { text, complete } = readTextHead(file, options.headBytes ?? TEXT_HEAD_BYTES);
    const scan = scanCsvRecords(text, delimiter, CSV_SAMPLE_ROWS + (hasHeader ? 1 : 0), !complete);
    if (scan.openQuoteLine !== undefined) throw corrupt(path, `line ${scan.openQuoteLine}: quoted field is never closed`);
    const [first, ...rest] = scan.records;
    if (!first) {
      if (hasHeader) throw corrupt(path, 'is empty: there is no header line');
      return { columns: [], bytes: file.size, sampledRows: 0 };
    }
    const names = hasHeader ? headerNames(first.fields) : first.fields.map((_, i) => `column${i}`);
    const rows = hasHeader ? rest : scan.records;
    const columns: InspectedColumn[] = names.map((name) => ({ name, type: 'unknown', nullable: false }));
    for (const row of rows) {
      if (row.fields.length !== names.length) {
        const what = hasHeader ? 'the header has' : 'the first line has';
        throw corrupt(path, `line ${row.line} has ${row.fields.length} fields but ${what} ${names.length} (delimiter ${JSON.stringify(delimiter)})`);
      }
      row.fields.forEach((value, i) => {
        const column = columns[i]!;
        if (value === '') column.nullable = true;
        else if (column.type !== 'string') column.type = widenWithinFile(column.type, inferTextType(value));
      });
    }
    const wholeFile = complete && scan.records.length < CSV_SAMPLE_ROWS + (hasHeader ? 1 : 0);
    const headerEnd = hasHeader ? text.indexOf('\n') + 1 : 0;
    // Without quotes no line end hides inside a field, so lines are rows: all of them when the file was read
    // whole, and the whole head's (not only the sampled rows', which may be shorter than later ones) scaled
    // to the file's size otherwise. With quotes, the sampled records are all that can be trusted.
    const quoted = text.includes('"');
    const headLines = quoted ? undefined : countLines(text, !complete) - (hasHeader ? 1 : 0);
    const lastLineEnd = text.lastIndexOf('\n') + 1;
    // A whole file (at most the ~1 MiB head) with quotes is cheap enough to scan to its end.
    const counted = wholeFile ? rows.length : complete ? (headLines ?? scanCsvRecords(text, delimiter, Infinity, false).records.length - (hasHeader ? 1 : 0)) : undefined;
    const estimate =
      counted ??
      (headLines !== undefined && headLines > 0 ? scaleRows(headLines, text, headerEnd, complete ? text.length : lastLineEnd, file.size) : scaleRows(rows.length, text, headerEnd, scan.consumed, file.size));
    return { columns, bytes: file.size, sampledRows: rows.length, rowsEstimate: estimate, rowsCounted: counted !== undefined };
  });
}

/**
 * Lines that hold something (an empty line or a lone `\r` is not a row); with `cut`, a last line without
 * its line end is not counted, since it continues in the file. One indexOf per line: this runs on every
 * inspection, `dlc lint` included.
 */
function countLines(text: string, cut: boolean): number {
  let lines = 0;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) {
      if (cut) break;
      end = text.length;
    }
    if (end > start && !(end === start + 1 && text.charCodeAt(start) === 13)) lines++;
    start = end + 1;
  }
  return lines;
}

/** Rows in a file of `fileBytes` whose first `rows` data rows took text[start, end): the rest is assumed alike. */
export function scaleRows(rows: number, text: string, start: number, end: number, fileBytes: number): number {
  if (rows === 0 || end <= start) return rows;
  const headerBytes = Buffer.byteLength(text.slice(0, start), 'utf8');
  const sampleBytes = Buffer.byteLength(text.slice(start, end), 'utf8');
  return Math.max(rows, Math.round((rows * (fileBytes - headerBytes)) / sampleBytes));
}

/** Blank names get positional ones and repeated names get a suffix, so every column can be referred to. */
function headerNames(fields: string[]): string[] {
  const seen = new Set<string>();
  return fields.map((raw, i) => {
    const base = raw.trim() === '' ? `column${i}` : raw.trim();
    let name = base;
    for (let k = 1; seen.has(name); k++) name = `${base}_${k}`;
    seen.add(name);
    return name;
  });
}
