/**
 * What a table source's files are and the schema they must be read with, from the same inspection `dlc lint`
 * does: a glob's files in sorted order, each file's own column names, and a check that all of them agree
 * (the first disagreement names both files). The schema to read is the plan's, which is what every later
 * step was checked against; without one (a plan made where the data was absent), the files' own.
 */
import type { SourceToInspect } from '../../../compiler/host.js';
import type { PlanNode } from '../../../compiler/phases/5-plan/plan-types.js';
import type { Column, ColumnType } from '../../../compiler/spec/columns.js';
import type { SourceSpec } from '../../../compiler/spec/types.js';
import { inspectCsvFile } from '../../data/inspect/csv.js';
import { inspectSource, matchSourceFiles } from '../../data/inspect/index.js';
import { DataError } from '../types.js';

export type TableSourceSpec = Exclude<SourceSpec, { format: 'idx' }>;

export interface SourceFiles {
  files: string[];
  /** The columns to produce, in order. */
  columns: Column[];
  /** True when the columns come from a declared `schema:` (picked by name from the files) rather than the files. */
  declared: boolean;
  /** False when the files could not be inspected (bad rows in the sample under `on_error: skip`). */
  inspected: boolean;
}

export function sourceFiles(node: PlanNode, config: TableSourceSpec): SourceFiles {
  const toInspect: SourceToInspect = { format: config.format, path: config.path };
  if (config.format === 'csv') {
    if (config.delimiter !== undefined) toInspect.delimiter = config.delimiter;
    if (config.header !== undefined) toInspect.header = config.header;
  }
  const result = inspectSource(toInspect);
  const planned = node.outputs.default?.columns;
  const skipping = (config.format === 'csv' || config.format === 'jsonl') && config.on_error === 'skip';
  if (!result.ok && result.problem.kind === 'corrupt' && skipping && planned) {
    // The inspector samples rows without knowing about on_error; a bad row in its sample is one the read
    // will leave out. The glob's files are still checked to exist, but not against each other.
    return { files: matchFiles(node.id, config.path), columns: config.schema ? declaredColumns(config.schema) : planned, declared: config.schema !== undefined, inspected: false };
  }
  if (!result.ok) {
    // The inspector's messages say `line N` when a line is at fault; the line is kept as data too.
    const line = /\bline (\d+)\b/.exec(result.problem.message);
    throw new DataError(`source ${node.id}: ${result.problem.message}`, result.problem.file, line ? Number(line[1]) : undefined);
  }
  const declared = config.schema !== undefined;
  const columns = declared ? declaredColumns(config.schema!) : planned ?? result.stats.schema ?? [];
  return { files: result.stats.files.map((f) => f.path), columns, declared, inspected: true };
}

function matchFiles(id: string, path: string): string[] {
  try {
    return matchSourceFiles(path);
  } catch (e) {
    if (e instanceof Error && 'file' in e && 'toProblem' in e) throw new DataError(`source ${id}: ${e.message}`, String(e.file));
    throw e;
  }
}

const declaredColumns = (schema: Record<string, ColumnType>): Column[] => Object.entries(schema).map(([name, type]) => ({ name, type, nullable: true }));

/**
 * The column names of one CSV file, in the file's order. When the file could not be inspected (see
 * `inspected`), they are taken to be the plan's, which came from the same header.
 */
export function fileColumnNames(config: TableSourceSpec, file: string, fallback?: readonly string[]): string[] {
  if (fallback) return [...fallback];
  try {
    if (config.format === 'csv') {
      const opts: { delimiter?: string; header?: boolean } = {};
      if (config.delimiter !== undefined) opts.delimiter = config.delimiter;
      if (config.header !== undefined) opts.header = config.header;
      return inspectCsvFile(file, opts).columns.map((c) => c.name);
    }
  } catch (e) {
    if (e instanceof Error && 'toProblem' in e) throw new DataError(e.message, file);
    throw e;
  }
  throw new Error(`column names are read from the file only for csv, not ${config.format}`);
}
