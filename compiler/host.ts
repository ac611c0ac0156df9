import type { MachineProfile } from './cost/constants.js';
import type { Range } from './diagnostics/types.js';
import type { TableSchema } from './spec/columns.js';

export type { MachineProfile } from './cost/constants.js';

/** What a source's files say about themselves, gathered without reading the data. */
export interface SourceStats {
  /** Files matched (one for a plain path, several for a glob), absolute paths, sorted. */
  files: { path: string; bytes: number; rows?: number }[];
  schema?: TableSchema;
  /** Total rows when the metadata says (Parquet, Arrow, IDX headers); absent for CSV/JSONL. */
  rows?: number;
  /** Rows estimated from the sampled rows' average size where no metadata counts them (CSV, JSONL). */
  rowsEstimate?: number;
  /** How `rowsEstimate` was had: every line counted, or sampled rows scaled to the file size. */
  rowsFrom?: string;
  bytes: number;
  /** Bytes of the data uncompressed, when the metadata says (Parquet column chunks). */
  uncompressedBytes?: number;
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
 * Distinct values of a join key in a source, from a HyperLogLog sketch of a sample of its rows,
 * extrapolated to the whole source when the sample is not all of it.
 */
export interface KeySketch {
  /** The key's columns; their values together are one key. */
  columns: string[];
  /** Estimated distinct keys in the whole source. */
  distinct: number;
  /** Rows the sketch saw and the distinct keys among them. */
  sampledRows: number;
  sampledDistinct: number;
  /** True when the sample was every row. */
  complete: boolean;
  /** How it was measured, for `plan --explain`: `hyperloglog of 1,000 sampled rows of 2,000`. */
  from: string;
}

/** A place in a TypeScript file, in the diagnostics' terms (1-based lines and columns). */
export interface TsLocation {
  file: string;
  range: Range;
}

/**
 * A value a hyperparameter can take, to be checked against the factory's parameter type: a literal from a
 * `choice` or `grid`, any number (a range), or absence (an entry that exists only `when:` a condition holds).
 */
export type HpProbe = { value: unknown } | { any: 'number' } | { absent: true };

/** What the compiler asks about a `module:` model: the factory, and for each search-space entry its probes. */
export interface FactoryQuery {
  /** Absolute path of the module. */
  module: string;
  exportName: string;
  entries: { name: string; probes: HpProbe[] }[];
}

/** A property of the factory's hyperparameter type. */
export interface HpProperty {
  name: string;
  /** The property's type as TypeScript prints it. */
  type: string;
  optional: boolean;
  declaredAt?: TsLocation;
}

/** How one search-space entry fares against the hyperparameter type. */
export interface EntryCheck {
  name: string;
  /** The property the entry fills; absent when the type has none of that name (and no index signature). */
  property?: HpProperty;
  /** Probes (by index into the query's list) the type does not accept, with TypeScript's reason. */
  rejected: { probe: number; reason: string }[];
}

/** The factory's first parameter, when it has one whose type can be checked. */
export interface HpTypeInfo {
  /** The type's name as written (`Hyperparameters`) or its text. */
  name: string;
  /** The interface or type alias that declares it, or the parameter itself for an inline type. */
  declaredAt?: TsLocation;
  /** False for `any`, `unknown` and other types whose properties say nothing. */
  checkable: boolean;
}

export type FactoryReport =
  | { kind: 'syntax'; errors: { message: string; at: TsLocation }[] }
  | { kind: 'export-not-found'; exports: string[] }
  | { kind: 'not-a-function'; type: string; declaredAt?: TsLocation }
  | {
      kind: 'factory';
      declaredAt?: TsLocation;
      /** Absent when the factory takes no parameters at all. */
      parameter?: HpTypeInfo;
      entries: EntryCheck[];
      /** Required properties of the type that no entry of the query fills. */
      missing: HpProperty[];
      /** Imports of TensorFlow.js that stay in the emitted code (type-only imports are erased and fine). */
      tfjsImports: { specifier: string; at: TsLocation }[];
    };

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
  /**
   * Distinct values of each key (a list of columns) in a source, one entry per key asked for; undefined
   * where the source cannot be sampled or lacks a column. Only planning asks (never `dlc lint`), and only for
   * join keys, since it reads rows rather than metadata.
   */
  keySketches?(source: SourceToInspect, keys: string[][]): (KeySketch | undefined)[];
  /** Calibrated machine constants (or defaults) and the machine's memory, for the cost models. */
  machine?(): MachineProfile;
  /**
   * The TypeScript view of a `module:` model's factory: its export, its first parameter's type and whether
   * each search-space entry fits it. Undefined when the host does not read TypeScript (pure tests).
   */
  checkModelFactory?(query: FactoryQuery): FactoryReport;
}
