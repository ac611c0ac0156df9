/**
 * Which columns of a text file (CSV, JSON lines) to read, as what, and how to cast them into the source's
 * column types. Without a declared schema the file's columns must be the plan's, in order; with one, the
 * declared columns are picked from the file by name and the rest are read as text and dropped.
 * Tensor columns are read as text (CSV) or lists (JSON) and cast to fixed-size arrays.
 */
import type { Column, ColumnType } from '../../../compiler/spec/columns.js';
import { quoteIdent } from '../duckdb/sql-text.js';
import { sqlType } from '../duckdb/sql-types.js';
import { DataError } from '../types.js';

export interface ReadColumns {
  /** Every column of the file, in its order, with the type to read it as. */
  read: { name: string; type: string; target?: ColumnType }[];
  /** The SELECT list producing the source's columns from those. */
  select: string;
}

export function readColumnsPlan(source: string, file: string, names: readonly string[], columns: readonly Column[], declared: boolean, listType: (shape: readonly number[]) => string = () => 'VARCHAR'): ReadColumns {
  if (!declared) {
    const same = names.length === columns.length && names.every((n, i) => n === columns[i]!.name);
    if (!same) {
      throw new DataError(`source ${source}: ${file} has columns ${names.join(', ')}, but the plan expects ${columns.map((c) => c.name).join(', ')} (did the file change since the plan was made?)`, file);
    }
  } else {
    const missing = columns.find((c) => !names.includes(c.name));
    if (missing) throw new DataError(`source ${source}: ${file} has no column '${missing.name}' (columns: ${names.join(', ')})`, file);
  }
  const byName = new Map(columns.map((c) => [c.name, c.type]));
  const read = names.map((name) => {
    const target = byName.get(name);
    if (target === undefined) return { name, type: 'VARCHAR' };
    return { name, type: typeof target === 'string' ? sqlType(target) : listType(target.shape), target };
  });
  const select = columns.map((c) => `CAST(${quoteIdent(c.name)} AS ${sqlType(c.type)}) AS ${quoteIdent(c.name)}`).join(', ');
  return { read, select };
}
