/**
 * One CSV file through DuckDB's read_csv, with nothing left to guess: delimiter, quoting, header and every
 * column's name and type are given, so the file is read with exactly the schema the plan was checked
 * against. Rows that do not fit (a value that does not parse as its column's type, a wrong number of fields,
 * an unclosed quote) are collected by DuckDB rather than stopping the scan; with `on_error: fail` (the
 * default) the first of them is reported with its file and line, with `skip` they are left out.
 */
import type { Table } from 'apache-arrow';
import type { DuckDBConnection } from '@duckdb/node-api';
import { DataError } from '../types.js';
import { runToArrow } from '../duckdb/query.js';
import { scratchName } from '../duckdb/session.js';
import { quoteIdent, quoteString } from '../duckdb/sql-text.js';
import { fileColumnNames, type SourceFiles, type TableSourceSpec } from './source-files.js';
import { readColumnsPlan } from './read-columns.js';

type CsvSpec = Extract<TableSourceSpec, { format: 'csv' }>;

export async function readCsvFile(connection: DuckDBConnection, source: string, config: CsvSpec, file: string, files: SourceFiles): Promise<Table> {
  const { columns, declared } = files;
  const names = fileColumnNames(config, file, files.inspected || declared ? undefined : columns.map((c) => c.name));
  const plan = readColumnsPlan(source, file, names, columns, declared);
  const rejects = scratchName('csv_rejects');
  const scans = scratchName('csv_scans');
  const nulls = ['', ...(config.null_values ?? [])];
  const options = [
    'auto_detect = false',
    `header = ${config.header ?? true}`,
    `delim = ${quoteString(config.delimiter ?? ',')}`,
    `quote = '"'`,
    `escape = '"'`,
    `nullstr = [${nulls.map(quoteString).join(', ')}]`,
    `columns = {${plan.read.map((c) => `${quoteString(c.name)}: ${quoteString(c.type)}`).join(', ')}}`,
    'store_rejects = true',
    `rejects_table = ${quoteString(rejects)}`,
    `rejects_scan = ${quoteString(scans)}`,
  ];
  const sql = `SELECT ${plan.select} FROM read_csv(${quoteString(file)}, ${options.join(', ')})`;
  const what = `source ${source}: ${file}`;
  const table = await runToArrow(connection, sql, what);
  if ((config.on_error ?? 'fail') === 'fail') {
    const first = await connection.runAndReadAll(`SELECT line, column_name, error_message FROM ${quoteIdent(rejects)} ORDER BY line LIMIT 1`);
    const row = first.getRowObjectsJS()[0];
    if (row) {
      const line = Number(row.line);
      throw new DataError(`source ${source}: ${file}: line ${line}: ${String(row.error_message)}${config.on_error ? '' : ' (on_error: skip leaves such rows out)'}`, file, line);
    }
  }
  return table;
}
