/** The spec's column types as DuckDB SQL types. A tensor of shape [a, b] is `T[b][a]`: DuckDB writes the outermost size last. */
import type { ColumnType } from '../../../compiler/spec/columns.js';

const SCALAR: Record<Exclude<ColumnType, object>, string> = {
  bool: 'BOOLEAN',
  int8: 'TINYINT',
  int16: 'SMALLINT',
  int32: 'INTEGER',
  int64: 'BIGINT',
  uint8: 'UTINYINT',
  float32: 'FLOAT',
  float64: 'DOUBLE',
  string: 'VARCHAR',
  date: 'DATE',
  timestamp: 'TIMESTAMP',
};

const ELEMENT = { uint8: 'UTINYINT', int32: 'INTEGER', float32: 'FLOAT' } as const;

export function sqlType(type: ColumnType): string {
  if (typeof type === 'string') return SCALAR[type];
  return `${ELEMENT[type.tensor]}${[...type.shape].reverse().map((d) => `[${d}]`).join('')}`;
}

/** The variable-length list type a JSON array of this tensor's shape parses into (`DOUBLE[][]` for two dimensions). */
export const jsonListType = (shape: readonly number[]): string => `DOUBLE${'[]'.repeat(shape.length)}`;
