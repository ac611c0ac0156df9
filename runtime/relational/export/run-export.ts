/**
 * The `export` step for tables: parquet (uncompressed unless `compression: snappy`, each column
 * dictionary-encoded where that makes it smaller and PLAIN otherwise, written by parquet/; through DuckDB,
 * with its default snappy, for tensor columns), arrow (IPC file),
 * csv (with a header) or json (one object per line, through DuckDB), the
 * format from `format` or else the file's extension. The file appears whole or not at all: it is
 * written under a temporary name in the same directory, flushed, and renamed. An existing file is replaced
 * only with `overwrite: true`.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Table } from 'apache-arrow';
import { exportFormatOf } from '../../../compiler/spec/export-format.js';
import type { ExportStep } from '../../../compiler/spec/types.js';
import { writeTableFile } from '../../data/table-file.js';
import { queryTables } from '../duckdb/query.js';
import { quoteString } from '../duckdb/sql-text.js';
import { DataError, type RelationalContext } from '../types.js';
import { pageCodec } from './parquet/codec.js';
import { parquetColumns, writeParquetFile } from './parquet/write-parquet.js';

export type TableExportFormat = 'parquet' | 'arrow' | 'csv' | 'json';


export async function runExport(id: string, config: ExportStep, table: Table, ctx: RelationalContext): Promise<void> {
  const path = config.path;
  const format = exportFormatOf(config);
  if (format === 'tfjs') throw new DataError(`step ${id}: a table cannot be exported as tfjs (that format is for models)`);
  if (!format) throw new DataError(`step ${id}: cannot tell the format of ${path} from its extension; set format: parquet, arrow, csv or json`, path);
  // An export is the pipeline's own output: re-running the pipeline replaces it, unless the spec says
  // `overwrite: false` to protect a file written elsewhere.
  if (existsSync(path) && config.overwrite === false) throw new DataError(`step ${id}: ${path} already exists and the step says overwrite: false`, path);
  try {
    mkdirSync(dirname(path), { recursive: true });
  } catch (error) {
    throw new DataError(`step ${id}: cannot create the directory ${dirname(path)}: ${(error as Error).message}`, path);
  }
  if (config.compression !== undefined && format !== 'parquet') throw new DataError(`step ${id}: compression applies to Parquet exports only, and ${path} is written as ${format}`, path);
  if (format === 'arrow') {
    await writeTableFile(path, table);
    return;
  }
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const options = { parquet: `FORMAT parquet${config.compression === 'none' ? ', COMPRESSION uncompressed' : ''}`, csv: 'FORMAT csv, HEADER true', json: 'FORMAT json' }[format];
  // Parquet of flat columns is written here (parquet/write-parquet.ts, several times faster than copying
  // the table into DuckDB to have it written); tensors and the other nested types go through DuckDB.
  const direct = format === 'parquet' ? parquetColumns(table) : undefined;
  try {
    if (direct) {
      try {
        await writeParquetFile(tmp, table, direct, 'dlc', await pageCodec(config.compression));
      } catch (error) {
        throw new DataError(`step ${id}: cannot write ${path}: ${(error as Error).message}`, path);
      }
    } else await queryTables(ctx, { t: { table } }, `COPY (SELECT * FROM t) TO ${quoteString(tmp)} (${options})`, `step ${id}: export ${path}`);
    const fd = openSync(tmp, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
