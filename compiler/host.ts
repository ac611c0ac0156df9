import type { TableSchema } from './spec/columns.js';

/** What a source's files say about themselves, gathered without reading the data. */
export interface SourceStats {
  /** Files matched (one for a plain path, several for a glob), absolute paths, sorted. */
  files: { path: string; bytes: number; rows?: number }[];
  schema?: TableSchema;
  /** Total rows when the metadata says (Parquet, Arrow, IDX headers); absent for CSV/JSONL. */
  rows?: number;
  bytes: number;
  /** Where the schema came from, for `plan --explain`: `parquet metadata`, `csv header + 100 sampled rows`, ... */
  schemaFrom?: string;
}

export type SourceProblem =
  | { kind: 'missing'; file: string; message: string }
  | { kind: 'glob-empty'; file: string; message: string }
  | { kind: 'corrupt'; file: string; message: string }
  | { kind: 'schema-mismatch'; file: string; message: string };

export type InspectResult = { ok: true; stats: SourceStats } | { ok: false; problem: SourceProblem };

/** The source definition after interpolation, as the inspector needs it; paths are absolute. */
export interface SourceToInspect {
  format: 'idx' | 'csv' | 'jsonl' | 'parquet' | 'arrow';
  /** csv/jsonl/parquet/arrow: a file or a glob. */
  path?: string;
  /** idx: the images file and the (optional) labels file. */
  images?: string;
  labels?: string;
  delimiter?: string;
  header?: boolean;
}

/**
 * Everything the compiler learns from outside its input text comes through this interface, so the
 * compiler stays a pure function and tests can hand it a fake machine.
 */
export interface CompilerHost {
  /** The text of a file, or undefined when it cannot be read. */
  readFile(path: string): string | undefined;
  fileExists(path: string): boolean;
  /** Environment variables (only those listed in vars.env_allow are ever looked up). */
  env(name: string): string | undefined;
  /** Schema and statistics of a data source; undefined when the host does not inspect data (pure tests). */
  inspectSource?(source: SourceToInspect): InspectResult;
}
