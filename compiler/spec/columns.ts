import type { ScalarType } from './vocabulary.js';

/** A column's type: a scalar, or a tensor with a fixed shape (an IDX image, a fixed-size list). */
export type ColumnType = ScalarType | { tensor: 'uint8' | 'int32' | 'float32'; shape: number[] };

export interface Column {
  name: string;
  type: ColumnType;
  nullable?: boolean;
}

/** An ordered list of columns; `undefined` where it cannot be known before running (checks are skipped). */
export type TableSchema = Column[];

export function formatColumnType(t: ColumnType): string {
  return typeof t === 'string' ? t : `${t.tensor}[${t.shape.join(',')}]`;
}

export const isNumericType = (t: ColumnType): boolean =>
  typeof t === 'string' && ['int8', 'int16', 'int32', 'int64', 'uint8', 'float32', 'float64'].includes(t);
export const isIntegerType = (t: ColumnType): boolean =>
  typeof t === 'string' && ['int8', 'int16', 'int32', 'int64', 'uint8'].includes(t);
export const isTensorType = (t: ColumnType): t is { tensor: 'uint8' | 'int32' | 'float32'; shape: number[] } => typeof t !== 'string';
