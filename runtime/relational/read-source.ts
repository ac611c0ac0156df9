/**
 * Reads a source node's data into one table with the plan's columns. A glob is a partitioned source: each
 * file is read on its own, in sorted order, and contributes its own record batches, so a partition never
 * straddles two files. CSV, JSON lines and Parquet are read by DuckDB, Arrow IPC by apache-arrow, IDX by
 * the IDX reader; every failure of the data itself (a missing, corrupt or malformed file, files of one glob
 * that disagree) is a DataError naming the file.
 */
import { Schema, type Data, type Field, type Table } from 'apache-arrow';
import type { PlanNode } from '../../compiler/phases/5-plan/plan-types.js';
import type { SourceSpec } from '../../compiler/spec/types.js';
import { makeBatch, makeTable } from './arrow/table-parts.js';
import { fieldFor } from './arrow/column-types.js';
import { withConnection } from './duckdb/session.js';
import { readArrowFile } from './sources/read-arrow.js';
import { readCsvFile } from './sources/read-csv.js';
import { readIdxTable } from './sources/read-idx.js';
import { readJsonlFile } from './sources/read-jsonl.js';
import { readParquetFile } from './sources/read-parquet.js';
import { sourceFiles, type SourceFiles, type TableSourceSpec } from './sources/source-files.js';
import { DataError, type RelationalContext } from './types.js';

export async function readSource(node: PlanNode, ctx: RelationalContext): Promise<Table> {
  const config = node.config as unknown as SourceSpec;
  if (config.format === 'idx') {
    if (typeof config.images !== 'string') throw new DataError(`source ${node.id}: an idx source needs an images file`);
    return readIdxTable(config.images, config.labels);
  }
  if (!['csv', 'jsonl', 'parquet', 'arrow'].includes(config.format)) {
    throw new DataError(`source ${node.id}: unknown format '${(config as { format: string }).format}'`);
  }
  const files = sourceFiles(node, config);
  const parts = await readFiles(node.id, config, files, ctx);
  return concatenate(parts, files);
}

async function readFiles(id: string, config: TableSourceSpec, source: SourceFiles, ctx: RelationalContext): Promise<Table[]> {
  const { files, columns } = source;
  if (config.format === 'arrow') return files.map((file) => readArrowFile(id, file, columns));
  return withConnection(ctx, async (connection) => {
    const tables: Table[] = [];
    for (const [i, file] of files.entries()) {
      ctx.onProgress?.(i, files.length);
      switch (config.format) {
        case 'csv':
          tables.push(await readCsvFile(connection, id, config, file, source));
          break;
        case 'jsonl':
          tables.push(await readJsonlFile(connection, id, config, file, columns));
          break;
        case 'parquet':
          tables.push(await readParquetFile(connection, id, file, columns));
          break;
      }
    }
    ctx.onProgress?.(files.length, files.length);
    return tables;
  });
}

/**
 * The files' batches under one schema: the source's columns, nullable where the plan says so or where the
 * data holds a null (the plan's nullability comes from a sample of rows).
 */
function concatenate(parts: readonly Table[], { columns }: SourceFiles): Table {
  const hasNulls = (i: number): boolean => parts.some((t) => t.batches.some((b) => (b.data.children[i]?.nullCount ?? 0) > 0));
  const fields: Field[] = columns.length > 0
    ? columns.map((c, i) => fieldFor(c.name, c.type, c.nullable === true || hasNulls(i)))
    : [...(parts[0]?.schema.fields ?? [])];
  const schema = new Schema(fields);
  const batches = parts.flatMap((t) => t.batches.filter((b) => b.numRows > 0).map((b) => makeBatch(fields, b.data.children as Data[], b.numRows, schema)));
  return makeTable(schema, batches);
}
