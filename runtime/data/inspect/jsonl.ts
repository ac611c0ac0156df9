import type { ColumnType } from '../../../compiler/spec/columns.js';
import { readTextHead, TEXT_HEAD_BYTES, withFile } from './file-bytes.js';
import { scaleRows } from './csv.js';
import type { FileInspection } from './file-schema.js';
import { inferStringType, widenWithinFile, type InferredType } from './infer-type.js';
import { corrupt } from './source-error.js';

/** Lines sampled per file for type inference (within the ~1 MiB head). */
export const JSONL_SAMPLE_LINES = 1000;

/** Column names (union of keys, first-seen order) and types of one JSON-lines file, from its first lines. */
export function inspectJsonlFile(path: string, options: { headBytes?: number } = {}): FileInspection {
  return withFile(path, (file) => {
    const { text, complete } = readTextHead(file, options.headBytes ?? TEXT_HEAD_BYTES);
    const lines = text.split('\n');
    // The head of a longer file ends mid-line; that fragment is not a line of the file.
    if (!complete) lines.pop();
    const columns = new Map<string, { type: InferredType; nullable: boolean; present: number }>();
    let sampled = 0;
    let consumed = 0;
    let linesRead = 0;
    for (let i = 0; i < lines.length && sampled < JSONL_SAMPLE_LINES; i++) {
      consumed += lines[i]!.length + 1;
      linesRead = i + 1;
      const line = lines[i]!.trim();
      if (line === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (e) {
        throw corrupt(path, `line ${i + 1} is not valid JSON (${(e as Error).message})`);
      }
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        throw corrupt(path, `line ${i + 1} is not a JSON object: each line must be one record {"column": value, ...}`);
      }
      sampled++;
      for (const [key, v] of Object.entries(value)) {
        let column = columns.get(key);
        if (!column) {
          // First seen after some lines: those lines lacked it, so it is nullable.
          column = { type: 'unknown', nullable: sampled > 1, present: 0 };
          columns.set(key, column);
        }
        column.present++;
        const t = jsonValueType(v);
        if (t === undefined) column.nullable = true;
        else if (column.type !== 'string') column.type = widenWithinFile(column.type, t);
      }
    }
    return {
      columns: [...columns].map(([name, c]) => ({ name, type: c.type, nullable: c.nullable || c.present < sampled })),
      bytes: file.size,
      sampledRows: sampled,
      rowsEstimate: complete && linesRead === lines.length ? sampled : complete ? sampled + lines.slice(linesRead).filter((l) => l.trim() !== '').length : scaleRows(sampled, text, 0, Math.min(consumed, text.length), file.size),
      rowsCounted: complete,
    };
  });
}

/** The column type a JSON value suggests; undefined for null. */
function jsonValueType(v: unknown): ColumnType | undefined {
  if (v === null) return undefined;
  switch (typeof v) {
    case 'boolean':
      return 'bool';
    case 'number':
      return Number.isInteger(v) ? 'int64' : 'float64';
    case 'string':
      return inferStringType(v);
    default: {
      const shape = Array.isArray(v) ? numericArrayShape(v) : undefined;
      // Ragged or non-numeric arrays and nested objects have no column type of their own: kept as JSON text.
      return shape ? { tensor: 'float32', shape } : 'string';
    }
  }
}

/** The shape of a rectangular array of numbers (`[[1,2],[3,4]]` → [2, 2]), or undefined. */
function numericArrayShape(a: unknown[]): number[] | undefined {
  if (a.length === 0) return undefined;
  if (a.every((x) => typeof x === 'number')) return [a.length];
  let inner: number[] | undefined;
  for (const x of a) {
    const s = Array.isArray(x) ? numericArrayShape(x) : undefined;
    if (!s || (inner && (s.length !== inner.length || s.some((d, i) => d !== inner![i])))) return undefined;
    inner = s;
  }
  return inner ? [a.length, ...inner] : undefined;
}
