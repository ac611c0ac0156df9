/**
 * One JSON-lines file through DuckDB. Each source column is read by key with the plan's type (tensors as
 * nested lists, then fixed-size arrays; text columns take objects and arrays as their JSON text).
 * - `on_error: fail` (default): read_json with the columns given; the first malformed line or value that
 *   does not convert stops the read, reported with its file and line.
 * - `on_error: skip`: each line is parsed on its own; lines that are not JSON objects, and lines with a value
 *   that does not convert to its column's type, are left out. A missing key or a JSON null is a null.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Table } from 'apache-arrow';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Column } from '../../../compiler/spec/columns.js';
import { runToArrow } from '../duckdb/query.js';
import { quoteIdent, quoteString } from '../duckdb/sql-text.js';
import { jsonListType, sqlType } from '../duckdb/sql-types.js';
import { DataError } from '../types.js';
import type { TableSourceSpec } from './source-files.js';

type JsonlSpec = Extract<TableSourceSpec, { format: 'jsonl' }>;

export async function readJsonlFile(connection: DuckDBConnection, source: string, config: JsonlSpec, file: string, columns: readonly Column[]): Promise<Table> {
  const what = `source ${source}: ${file}`;
  if (columns.length === 0) return runToArrow(connection, `SELECT * FROM (SELECT 1) WHERE false`, what);
  if (config.on_error === 'skip') return runToArrow(connection, skippingQuery(file, columns), what);
  const read = columns.map((c) => `${quoteString(c.name)}: ${quoteString(typeof c.type === 'string' ? sqlType(c.type) : jsonListType(c.type.shape))}`);
  const select = columns.map((c) => `CAST(${quoteIdent(c.name)} AS ${sqlType(c.type)}) AS ${quoteIdent(c.name)}`).join(', ');
  const sql = `SELECT ${select} FROM read_json(${quoteString(file)}, format = 'newline_delimited', columns = {${read.join(', ')}})`;
  try {
    return await runToArrow(connection, sql, what);
  } catch (e) {
    throw await withLine(e, file);
  }
}

/** JSON path of a top-level key, quoted so any key works. */
const keyPath = (name: string): string => quoteString(`$."${name.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`);

function skippingQuery(file: string, columns: readonly Column[]): string {
  const values: string[] = [];
  const bad: string[] = [];
  columns.forEach((c, i) => {
    const raw = `json_extract(j, ${keyPath(c.name)})`;
    const value = c.type === 'string'
      ? `json_extract_string(j, ${keyPath(c.name)})`
      : typeof c.type === 'string'
        ? `TRY_CAST(${raw} AS ${sqlType(c.type)})`
        : `TRY_CAST(TRY_CAST(${raw} AS ${jsonListType(c.type.shape)}) AS ${sqlType(c.type)})`;
    values.push(`${value} AS v${i}`, `${raw} AS r${i}`);
    bad.push(`(r${i} IS NOT NULL AND json_type(r${i}) <> 'NULL' AND v${i} IS NULL)`);
  });
  const lines = `SELECT json AS j FROM read_ndjson_objects(${quoteString(file)}, ignore_errors = true)`;
  const parsed = `SELECT ${values.join(', ')} FROM (${lines}) WHERE j IS NOT NULL AND json_type(j) = 'OBJECT'`;
  return `SELECT ${columns.map((c, i) => `v${i} AS ${quoteIdent(c.name)}`).join(', ')} FROM (${parsed}) WHERE NOT (${bad.join(' OR ')})`;
}

/**
 * DuckDB names the line of a value that does not convert, but can miscount the line of malformed JSON; the
 * file is scanned for the first line that does not parse, which is cheap next to a failed run.
 */
async function withLine(e: unknown, file: string): Promise<unknown> {
  if (!(e instanceof DataError)) return e;
  const stated = /in line (\d+)/.exec(e.message);
  if (/Malformed JSON/.test(e.message)) {
    const line = await firstMalformedLine(file);
    if (line !== undefined) return new DataError(`${file}: line ${line.number} is not a JSON object (${line.reason})`, file, line.number);
  }
  return new DataError(e.message, file, stated ? Number(stated[1]) : undefined);
}

async function firstMalformedLine(file: string): Promise<{ number: number; reason: string } | undefined> {
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  let number = 0;
  try {
    for await (const line of lines) {
      number++;
      if (line.trim() === '') continue;
      try {
        const v: unknown = JSON.parse(line);
        if (v === null || typeof v !== 'object' || Array.isArray(v)) return { number, reason: 'each line must be one record {"column": value, ...}' };
      } catch (err) {
        return { number, reason: (err as Error).message };
      }
    }
  } finally {
    lines.close();
  }
  return undefined;
}
