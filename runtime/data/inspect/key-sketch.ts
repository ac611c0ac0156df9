/**
 * Distinct join keys of a source, for the planner: a HyperLogLog sketch of the key columns over a sample
 * of rows from the start of the source's files, extrapolated to the whole source. This reads rows, not
 * only metadata, so only planning asks for it (through `CompilerHost.keySketches`), never `dlc lint`.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { gunzipSync } from 'node:zlib';
import type { KeySketch, SourceToInspect } from '../../../compiler/host.js';
import { SampleSketch } from '../sketches/distinct.js';
import { scaleRows } from './csv.js';
import { scanCsvRecords } from './csv-records.js';
import { readAt, readTextHead, withFile } from './file-bytes.js';
import { matchSourceFiles } from './glob.js';

/** Rows sampled per source: a power of two, so the sketch's last doubling ends exactly at the sample's end. */
export const KEY_SAMPLE_ROWS = 1 << 16;
/** Bytes read from the head of a text file for the sample. */
export const KEY_SAMPLE_TEXT_BYTES = 8 << 20;
/** Column chunks (Parquet) or files (Arrow) larger than this are not read for a sample. */
const MAX_READ_BYTES = 256 << 20;

const require = createRequire(import.meta.url);

/** What a format's sampler hands back: the sampled rows' key values, and how many rows the source has. */
interface Sample {
  /**
   * One array per column of `columns`, in that order, each with the sampled rows' values: by column, not
   * an array per row (65,536 of them per source, whose making and collecting was most of planning's time).
   */
  values: unknown[][];
  /** Rows sampled. */
  sampled: number;
  columns: string[];
  /** Every row of the source was sampled. */
  complete: boolean;
  /** Rows in the whole source (exact, or estimated from the sample's bytes for text formats). */
  totalRows: number;
  totalExact: boolean;
}

/** One sketch per key asked for; undefined where the source cannot be sampled or lacks a key column. */
export function sketchSourceKeys(source: SourceToInspect, keys: string[][]): (KeySketch | undefined)[] {
  const columns = [...new Set(keys.flat())];
  let sample: Sample | undefined;
  try {
    sample = sampleSource(source, columns);
  } catch {
    // A source that cannot be sampled (damaged, an unsupported codec) only costs the planner its key
    // statistics; inspection reports real problems with the data.
    sample = undefined;
  }
  return keys.map((key) => (sample ? sketchOf(sample, key) : undefined));
}

function sketchOf(sample: Sample, key: string[]): KeySketch | undefined {
  const at = key.map((c) => sample.columns.indexOf(c));
  if (at.some((i) => i < 0)) return undefined;
  const sketch = new SampleSketch();
  const columns = at.map((i) => sample.values[i]!);
  // One array for every row's key, reused: addRow reads it and keeps nothing.
  const row = new Array<unknown>(columns.length);
  for (let r = 0; r < sample.sampled; r++) {
    for (let k = 0; k < columns.length; k++) row[k] = columns[k]![r];
    sketch.addRow(row);
  }
  const n = sketch.sampledRows;
  const distinct = sample.complete ? sketch.sampledDistinct() : sketch.estimateFor(sample.totalRows);
  const count = (x: number) => x.toLocaleString('en-US');
  const from = sample.complete
    ? `hyperloglog of all ${count(n)} rows`
    : `hyperloglog of ${count(n)} sampled rows, extrapolated to ${sample.totalExact ? '' : '~'}${count(sample.totalRows)}`;
  return { columns: key, distinct, sampledRows: n, sampledDistinct: sketch.sampledDistinct(), complete: sample.complete, from };
}

function sampleSource(source: SourceToInspect, columns: string[]): Sample | undefined {
  if (!source.path || source.format === 'idx') return undefined;
  const files = matchSourceFiles(source.path);
  switch (source.format) {
    case 'csv':
      return sampleText(files, columns, (text, cut, max) => csvRows(text, cut, max, source.delimiter ?? ',', source.header ?? true));
    case 'jsonl':
      return sampleText(files, columns, jsonlRows);
    case 'parquet':
      return sampleParquet(files, columns);
    case 'arrow':
      return sampleArrow(files, columns);
  }
}

type TextRows = (text: string, cut: boolean, max: number) => { names: string[]; rows: Record<string, unknown>[] | unknown[][]; start: number; end: number; exhausted: boolean };

/** Text formats: the head of each file in turn until the sample is full; later files' rows scale by size. */
function sampleText(files: string[], columns: string[], parse: TextRows): Sample {
  const rows: unknown[][] = [];
  let complete = true;
  let sampledFilesRows = 0;
  let sampledFilesBytes = 0;
  let totalBytes = 0;
  let exact = true;
  for (const path of files) {
    withFile(path, (file) => {
      totalBytes += file.size;
      if (rows.length >= KEY_SAMPLE_ROWS) {
        complete = false;
        return;
      }
      const { text, complete: wholeText } = readTextHead(file, KEY_SAMPLE_TEXT_BYTES);
      const want = KEY_SAMPLE_ROWS - rows.length;
      const got = parse(text, !wholeText, want);
      const index = columns.map((c) => got.names.indexOf(c));
      for (const r of got.rows) rows.push(Array.isArray(r) ? index.map((i) => (i < 0 ? undefined : r[i])) : columns.map((c) => (r as Record<string, unknown>)[c]));
      const whole = wholeText && got.exhausted;
      if (!whole) {
        complete = false;
        exact = false;
      }
      sampledFilesRows += whole ? got.rows.length : scaleRows(got.rows.length, text, got.start, got.end, file.size);
      sampledFilesBytes += file.size;
    });
  }
  const totalRows = sampledFilesBytes > 0 && totalBytes > sampledFilesBytes ? Math.round((sampledFilesRows * totalBytes) / sampledFilesBytes) : sampledFilesRows;
  if (totalBytes > sampledFilesBytes) exact = false;
  // A column the files do not have shows up as undefined everywhere: report it as missing.
  const present = columns.filter((_, i) => rows.some((r) => r[i] !== undefined));
  const keep = columns.map((c, i) => (present.includes(c) ? i : -1));
  const kept = keep.filter((i) => i >= 0);
  return { values: kept.map((i) => rows.map((r) => r[i])), sampled: rows.length, columns: present, complete, totalRows, totalExact: exact };
}

function csvRows(text: string, cut: boolean, max: number, delimiter: string, header: boolean): ReturnType<TextRows> {
  const scan = scanCsvRecords(text, delimiter, max + (header ? 1 : 0), cut);
  const [first, ...rest] = scan.records;
  const names = header ? (first?.fields.map((f) => f.trim()) ?? []) : (first?.fields.map((_, i) => `column${i}`) ?? []);
  const data = header ? rest : scan.records;
  // Empty fields are nulls, and nulls never match a join key.
  const rows = data.map((r) => r.fields.map((f) => (f === '' ? null : f)));
  const start = header ? text.indexOf('\n') + 1 : 0;
  return { names, rows, start, end: scan.consumed, exhausted: scan.records.length < max + (header ? 1 : 0) };
}

function jsonlRows(text: string, cut: boolean, max: number): ReturnType<TextRows> {
  const lines = text.split('\n');
  if (cut) lines.pop();
  const rows: Record<string, unknown>[] = [];
  let end = 0;
  let i = 0;
  for (; i < lines.length && rows.length < max; i++) {
    end += lines[i]!.length + 1;
    const line = lines[i]!.trim();
    if (line === '') continue;
    const v = JSON.parse(line) as unknown;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) rows.push(v as Record<string, unknown>);
  }
  const names = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  return { names, rows, start: 0, end: Math.min(end, text.length), exhausted: i >= lines.length };
}

type ParquetMetadata = import('hyparquet').FileMetaData;

/** Parquet: the key columns' chunks of the first row groups, decoded; the row count from the footers. */
function sampleParquet(files: string[], columns: string[]): Sample | undefined {
  const { readFooter } = require('./parquet.js') as typeof import('./parquet.js');
  const { readColumn } = require('hyparquet/src/column.js') as typeof import('hyparquet/src/column.js');
  const { parquetSchema } = require('hyparquet/src/metadata.js') as typeof import('hyparquet/src/metadata.js');
  const { getTreePath } = require('hyparquet/src/schema.js') as typeof import('hyparquet/src/schema.js');
  const { DEFAULT_PARSERS } = require('hyparquet/src/convert.js') as typeof import('hyparquet/src/convert.js');
  // hyparquet decodes Snappy itself; GZIP comes from node. Other codecs make the sample fail (no sketch).
  const compressors = { GZIP: (input: Uint8Array) => new Uint8Array(gunzipSync(input)) };
  let total = 0;
  let sampled = 0;
  let values: unknown[][] = [];
  let present: string[] | undefined;
  let complete = true;
  for (const path of files) {
    withFile(path, (file) => {
      const metadata: ParquetMetadata = readFooter(file);
      total += Number(metadata.num_rows);
      const tree = parquetSchema(metadata);
      if (present === undefined) {
        present = columns.filter((c) => tree.children.some((t) => t.element.name === c && t.children.length === 0));
        values = present.map(() => []);
      }
      for (const group of metadata.row_groups) {
        const groupRows = Number(group.num_rows);
        if (sampled >= KEY_SAMPLE_ROWS) {
          complete = false;
          break;
        }
        const take = Math.min(groupRows, KEY_SAMPLE_ROWS - sampled);
        if (take < groupRows) complete = false;
        present.forEach((name, c) => {
          const chunk = group.columns.find((c) => c.meta_data?.path_in_schema.length === 1 && c.meta_data.path_in_schema[0] === name)?.meta_data;
          if (!chunk) throw new Error(`no column chunk for ${name}`);
          const start = Number(chunk.dictionary_page_offset ?? chunk.data_page_offset);
          const length = Number(chunk.total_compressed_size);
          if (length > MAX_READ_BYTES) throw new Error('column chunk too large to sample');
          const bytes = readAt(file, start, length);
          const schemaPath = getTreePath(tree, chunk.path_in_schema);
          const decoder = {
            pathInSchema: chunk.path_in_schema,
            element: schemaPath[schemaPath.length - 1]!.element,
            schemaPath,
            type: chunk.type,
            codec: chunk.codec,
            parsers: DEFAULT_PARSERS,
            compressors,
            utf8: true,
          };
          const reader = { view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), offset: 0 };
          const { data } = readColumn(reader, { groupStart: 0, selectStart: 0, selectEnd: take, groupRows }, decoder as Parameters<typeof readColumn>[2]);
          const out = values[c]!;
          let left = take;
          for (const part of data) {
            const n = Math.min(part.length, left);
            for (let i = 0; i < n; i++) out.push((part as ArrayLike<unknown>)[i]);
            left -= n;
          }
        });
        sampled += take;
      }
    });
  }
  if (!present) return undefined;
  return { values, sampled, columns: present, complete: complete && sampled === total, totalRows: total, totalExact: true };
}

/** Arrow IPC: the first record batches of each file, through apache-arrow's reader. */
function sampleArrow(files: string[], columns: string[]): Sample | undefined {
  const arrow = require('apache-arrow') as typeof import('apache-arrow');
  let sampled = 0;
  let values: unknown[][] = [];
  let total = 0;
  let complete = true;
  let present: string[] | undefined;
  for (const path of files) {
    const size = withFile(path, (f) => f.size);
    if (size > MAX_READ_BYTES) throw new Error('file too large to sample');
    const reader = arrow.RecordBatchReader.from(readFileSync(path));
    for (const batch of reader) {
      total += batch.numRows;
      if (present === undefined) {
        present = columns.filter((c) => batch.schema.fields.some((f) => f.name === c));
        values = present.map(() => []);
      }
      if (sampled >= KEY_SAMPLE_ROWS) {
        complete = false;
        continue;
      }
      const vectors = present.map((c) => batch.getChild(c));
      const take = Math.min(batch.numRows, KEY_SAMPLE_ROWS - sampled);
      if (take < batch.numRows) complete = false;
      vectors.forEach((v, c) => {
        for (let i = 0; i < take; i++) values[c]!.push(v?.get(i));
      });
      sampled += take;
    }
  }
  if (!present) return undefined;
  return { values, sampled, columns: present, complete, totalRows: total, totalExact: true };
}
