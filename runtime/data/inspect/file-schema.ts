import { formatColumnType, type Column, type TableSchema } from '../../../compiler/spec/columns.js';
import { widenLossless, type InferredType } from './infer-type.js';
import { SourceError } from './source-error.js';

export interface InspectedColumn {
  name: string;
  type: InferredType;
  nullable: boolean;
}

/** What one file says about itself; format readers return this, `inspectSource` combines the files. */
export interface FileInspection {
  columns: InspectedColumn[];
  /** File size. */
  bytes: number;
  /** Exact row count when the file's metadata says (Parquet, Arrow, IDX). */
  rows?: number;
  /** Data rows the types were inferred from (CSV, JSONL). */
  sampledRows?: number;
  /**
   * Rows in the whole file where no metadata counts them (CSV, JSONL): exact when the sample reached the
   * end of the file, otherwise the sampled rows scaled by the file's size over the bytes they took.
   */
  rowsEstimate?: number;
  /** The estimate is a count of every row (the whole file was read). */
  rowsCounted?: boolean;
  /** Bytes of the data uncompressed, when the metadata says (Parquet). */
  uncompressedBytes?: number;
}

/**
 * How the files of a glob must agree:
 * - `exact`: declared schemas (Parquet, Arrow): same names in order, same types.
 * - `inferred`: CSV: same names in order; types may differ by lossless widening (an int64 column in one
 *   file and float64 in another is float64), since a sample of each file is only a guess at its type.
 * - `inferred-unordered`: JSONL: like `inferred`, but key order in JSON objects means nothing, and a file
 *   with no rows says nothing about the columns.
 */
export type SchemaAgreement = 'exact' | 'inferred' | 'inferred-unordered';

const describe = (t: InferredType): string => (t === 'unknown' ? 'all null' : formatColumnType(t));

/** Combines the files' columns, or throws `schema-mismatch` naming the first file and column that disagree. */
export function mergeFileSchemas(files: { path: string; inspection: FileInspection }[], agreement: SchemaAgreement): InspectedColumn[] {
  const informative = agreement === 'inferred-unordered' ? files.filter((f) => (f.inspection.sampledRows ?? 0) > 0) : files;
  const [first, ...rest] = informative.length > 0 ? informative : files;
  if (!first) return [];
  const merged = first.inspection.columns.map((c) => ({ ...c }));
  for (const { path, inspection } of rest) {
    const mismatch = (message: string): SourceError => new SourceError('schema-mismatch', path, `${path}: ${message} (compared with ${first.path})`);
    const theirs = inspection.columns;
    if (agreement === 'inferred-unordered') {
      const names = new Set(theirs.map((c) => c.name));
      const missing = merged.find((c) => !names.has(c.name));
      if (missing) throw mismatch(`has no column "${missing.name}"`);
    }
    const byName = new Map(theirs.map((c) => [c.name, c]));
    for (let i = 0; i < Math.max(merged.length, theirs.length); i++) {
      const ours = merged[i];
      const other = agreement === 'inferred-unordered' ? (ours ? byName.get(ours.name) : undefined) : theirs[i];
      if (!ours) {
        const extra = agreement === 'inferred-unordered' ? theirs.find((c) => !merged.some((m) => m.name === c.name)) : other;
        throw mismatch(`has an extra column "${extra?.name}"`);
      }
      if (!other) throw mismatch(`has no column "${ours.name}"`);
      if (other.name !== ours.name) throw mismatch(`column ${i + 1} is "${other.name}" where the other files have "${ours.name}"`);
      const type = agreement === 'exact' ? exactType(ours.type, other.type) : widenLossless(ours.type, other.type);
      if (type === undefined) {
        throw mismatch(`column "${ours.name}" is ${describe(other.type)} here but ${describe(ours.type)} in the files before it`);
      }
      ours.type = type;
      ours.nullable ||= other.nullable;
    }
  }
  return merged;
}

const exactType = (a: InferredType, b: InferredType): InferredType | undefined => (describe(a) === describe(b) ? a : undefined);

/** The schema the compiler sees: a column never seen with a value is read as nullable text. */
export function toTableSchema(columns: InspectedColumn[]): TableSchema {
  return columns.map((c): Column => {
    const type = c.type === 'unknown' ? 'string' : c.type;
    return c.nullable || c.type === 'unknown' ? { name: c.name, type, nullable: true } : { name: c.name, type };
  });
}
