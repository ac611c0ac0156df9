/**
 * What `dlc lint` knows about data without reading it: schemas and sizes from headers, footers and a
 * sample of rows, synchronously, and never loading DuckDB or TensorFlow.js. This is the runtime's
 * implementation of `CompilerHost.inspectSource`.
 */
import type { InspectResult, SourceStats, SourceToInspect } from '../../../compiler/host.js';
import { createRequire } from 'node:module';
import { inspectCsvFile } from './csv.js';
import { TEXT_HEAD_BYTES } from './file-bytes.js';
import { mergeFileSchemas, toTableSchema, type FileInspection, type SchemaAgreement } from './file-schema.js';
import { matchSourceFiles } from './glob.js';
import { inspectIdx } from './idx.js';
import { inspectJsonlFile } from './jsonl.js';
import { SourceError } from './source-error.js';

export { isGlobPattern, matchSourceFiles } from './glob.js';

// The Parquet and Arrow readers (hyparquet, and apache-arrow behind them) load on first use, synchronously,
// so linting a CSV or IDX pipeline never pays for them.
const require = createRequire(import.meta.url);
const parquetReader = () => require('./parquet.js') as typeof import('./parquet.js');
const arrowReader = () => require('./arrow.js') as typeof import('./arrow.js');
export { readIdxHeaderSync } from './idx.js';

/**
 * Every partition after the first is sampled less deeply: its header and a few rows are enough to see that
 * it agrees with the first, and a glob of thousands of CSV files must not read a MiB from each.
 */
const LATER_PARTITION_HEAD_BYTES = 64 << 10;

/** Schema and statistics of a source, or the first problem that makes it unusable. Never throws for bad data. */
export function inspectSource(source: SourceToInspect): InspectResult {
  try {
    return { ok: true, stats: source.format === 'idx' ? inspectIdxSource(source) : inspectTableSource(source, source.format) };
  } catch (e) {
    if (e instanceof SourceError) return { ok: false, problem: e.toProblem() };
    throw e;
  }
}

function inspectIdxSource(source: SourceToInspect): SourceStats {
  if (!source.images) throw new SourceError('missing', '', 'idx source has no images file');
  const idx = inspectIdx(source.images, source.labels);
  return {
    files: idx.files,
    schema: toTableSchema(idx.columns),
    rows: idx.rows,
    bytes: idx.files.reduce((sum, f) => sum + f.bytes, 0),
    schemaFrom: 'idx header',
  };
}

const AGREEMENT: Record<Exclude<SourceToInspect['format'], 'idx'>, SchemaAgreement> = {
  csv: 'inferred',
  jsonl: 'inferred-unordered',
  parquet: 'exact',
  arrow: 'exact',
};

function inspectTableSource(source: SourceToInspect, format: Exclude<SourceToInspect['format'], 'idx'>): SourceStats {
  if (!source.path) throw new SourceError('missing', '', `${format} source has no path`);
  const paths = matchSourceFiles(source.path);
  const inspected = paths.map((path, i) => {
    const headBytes = i === 0 ? TEXT_HEAD_BYTES : LATER_PARTITION_HEAD_BYTES;
    return { path, inspection: inspectTableFile(source, path, headBytes) };
  });
  const columns = mergeFileSchemas(inspected, AGREEMENT[format]);
  const knownRows = inspected.every((f) => f.inspection.rows !== undefined);
  const stats: SourceStats = {
    files: inspected.map(({ path, inspection: { bytes, rows } }) => (rows === undefined ? { path, bytes } : { path, bytes, rows })),
    schema: toTableSchema(columns),
    bytes: inspected.reduce((sum, f) => sum + f.inspection.bytes, 0),
    schemaFrom: schemaFrom(source, inspected.map((f) => f.inspection)),
  };
  if (knownRows) stats.rows = inspected.reduce((sum, f) => sum + (f.inspection.rows ?? 0), 0);
  else if (inspected.every((f) => f.inspection.rows !== undefined || f.inspection.rowsEstimate !== undefined)) {
    stats.rowsEstimate = inspected.reduce((sum, f) => sum + (f.inspection.rows ?? f.inspection.rowsEstimate ?? 0), 0);
    stats.rowsFrom = inspected.every((f) => f.inspection.rowsCounted) ? 'every line counted' : 'sampled rows scaled to the file size';
  }
  const uncompressed = inspected.map((f) => f.inspection.uncompressedBytes);
  if (uncompressed.every((b) => b !== undefined)) stats.uncompressedBytes = uncompressed.reduce((sum, b) => sum + b!, 0);
  return stats;
}

function inspectTableFile(source: SourceToInspect, path: string, headBytes: number): FileInspection {
  switch (source.format) {
    case 'csv':
      return inspectCsvFile(path, { delimiter: source.delimiter, header: source.header, headBytes });
    case 'jsonl':
      return inspectJsonlFile(path, { headBytes });
    case 'parquet':
      return parquetReader().inspectParquetFile(path);
    case 'arrow':
      return arrowReader().inspectArrowFile(path);
    case 'idx':
      throw new Error('idx sources are inspected by inspectIdxSource');
  }
}

/** For `plan --explain`: where the schema came from and how much was looked at. */
function schemaFrom(source: SourceToInspect, files: FileInspection[]): string {
  const sampled = files.reduce((sum, f) => sum + (f.sampledRows ?? 0), 0);
  const across = files.length > 1 ? ` from ${files.length} files` : '';
  switch (source.format) {
    case 'csv':
      return `${source.header === false ? 'csv (no header)' : 'csv header'} + ${sampled} sampled rows${across}`;
    case 'jsonl':
      return `jsonl keys + ${sampled} sampled lines${across}`;
    case 'parquet':
      return files.length > 1 ? `parquet metadata of ${files.length} files` : 'parquet metadata';
    case 'arrow':
      return files.length > 1 ? `arrow ipc schema of ${files.length} files` : 'arrow ipc schema';
    case 'idx':
      return 'idx header';
  }
}
