import type { ColumnType } from '../../../compiler/spec/columns.js';

/**
 * Type inference for formats that do not declare types (CSV, JSONL). `unknown` is a column whose sampled
 * values were all null: it takes whatever type another file or a later value gives it.
 */
export type InferredType = ColumnType | 'unknown';

const INT = /^[+-]?\d+$/;
const FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$|^[+-]?(?:inf|infinity|nan)$/i;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?$/;
const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

/** The narrowest type that reads this (non-empty) text field. */
export function inferTextType(value: string): ColumnType {
  if (INT.test(value)) {
    // Beyond int64 an integer column would overflow; float64 keeps its magnitude.
    if (value.length < 19) return 'int64';
    const n = BigInt(value);
    return n <= INT64_MAX && n >= INT64_MIN ? 'int64' : 'float64';
  }
  if (FLOAT.test(value)) return 'float64';
  const lower = value.toLowerCase();
  if (lower === 'true' || lower === 'false') return 'bool';
  return inferStringType(value);
}

/** For values already known to be strings (JSON strings): only dates and timestamps are recognised. */
export function inferStringType(value: string): ColumnType {
  const date = DATE.exec(value);
  if (date) return validDate(date) ? 'date' : 'string';
  const ts = TIMESTAMP.exec(value);
  if (ts) return validDate(ts) ? 'timestamp' : 'string';
  return 'string';
}

function validDate(m: RegExpExecArray): boolean {
  const month = Number(m[2]);
  const day = Number(m[3]);
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

const sameType = (a: ColumnType, b: ColumnType): boolean =>
  typeof a === 'string' || typeof b === 'string'
    ? a === b
    : a.tensor === b.tensor && a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i]);

/**
 * Lossless widening: the type that holds values of both, or undefined when there is none short of text.
 * int64 → float64 and date → timestamp are how readers such as DuckDB widen while sniffing.
 */
export function widenLossless(a: InferredType, b: InferredType): InferredType | undefined {
  if (a === 'unknown') return b;
  if (b === 'unknown') return a;
  if (sameType(a, b)) return a;
  const pair = new Set([a, b]);
  if (pair.has('int64') && pair.has('float64')) return 'float64';
  if (pair.has('date') && pair.has('timestamp')) return 'timestamp';
  return undefined;
}

/** Within one file, values that share no type are read as text, as a CSV reader would. */
export const widenWithinFile = (a: InferredType, b: InferredType): InferredType => widenLossless(a, b) ?? 'string';
