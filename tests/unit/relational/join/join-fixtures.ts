// Tables for join tests, built once as Arrow (what runJoin gets) and once in DuckDB (the reference), and
// rows of either compared as multisets of canonical strings.
import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { Bool, type DataType, Field, Float64, Int32, Int64, makeData, RecordBatch, Schema, Struct, Table, Utf8, vectorFromArray } from 'apache-arrow';
import type { PlanNode } from '../../../../compiler/phases/5-plan/plan-types.js';

export type ColumnKind = 'int32' | 'int64' | 'float64' | 'utf8' | 'bool';
export type Cell = number | bigint | string | boolean | null;

export interface TestColumn {
  name: string;
  kind: ColumnKind;
  values: Cell[];
}

export interface TestTable {
  columns: TestColumn[];
}

const ARROW: Record<ColumnKind, () => DataType> = { int32: () => new Int32(), int64: () => new Int64(), float64: () => new Float64(), utf8: () => new Utf8(), bool: () => new Bool() };
const SQL: Record<ColumnKind, string> = { int32: 'INTEGER', int64: 'BIGINT', float64: 'DOUBLE', utf8: 'VARCHAR', bool: 'BOOLEAN' };

export const rowCount = (t: TestTable): number => t.columns[0]?.values.length ?? 0;

/** The table as Arrow, its rows cut into record batches of the given sizes (one batch when none given). */
export function toArrow(t: TestTable, batchSizes?: number[]): Table {
  const fields = t.columns.map((c) => new Field(c.name, ARROW[c.kind](), true));
  const schema = new Schema(fields);
  const n = rowCount(t);
  const sizes = batchSizes ?? [n];
  const batches: RecordBatch[] = [];
  let at = 0;
  for (const size of sizes) {
    const children = t.columns.map((c, i) => {
      const slice = c.values.slice(at, at + size);
      return vectorFromArray(slice as never[], fields[i]!.type).data[0]!;
    });
    batches.push(new RecordBatch(schema, makeData({ type: new Struct(fields), length: size, nullCount: 0, children })));
    at += size;
  }
  return new Table(schema, batches);
}

export async function openDuckDB(): Promise<DuckDBConnection> {
  return (await DuckDBInstance.create(':memory:', { threads: '1' })).connect();
}

const quote = (name: string): string => `"${name.replace(/"/g, '""')}"`;

export async function loadIntoDuckDB(conn: DuckDBConnection, name: string, t: TestTable): Promise<void> {
  await conn.run(`CREATE OR REPLACE TABLE ${quote(name)} (${t.columns.map((c) => `${quote(c.name)} ${SQL[c.kind]}`).join(', ')})`);
  const app = await conn.createAppender(name);
  for (let r = 0; r < rowCount(t); r++) {
    for (const c of t.columns) {
      const v = c.values[r]!;
      if (v === null) app.appendNull();
      else if (c.kind === 'int32') app.appendInteger(v as number);
      else if (c.kind === 'int64') app.appendBigInt(v as bigint);
      else if (c.kind === 'float64') app.appendDouble(v as number);
      else if (c.kind === 'utf8') app.appendVarchar(v as string);
      else app.appendBoolean(v as boolean);
    }
    app.endRow();
  }
  app.closeSync();
}

/** DuckDB's answer to the join, with the output columns runJoin promises, in the same order. */
export function joinQuery(left: TestTable, right: TableColumns, on: string[], how: string, suffix = '_right'): string {
  const cond = on.map((k) => `l.${quote(k)} = r.${quote(k)}`).join(' AND ');
  const outer = how === 'right' || how === 'full';
  const cols = left.columns.map((c) => (on.includes(c.name) && outer ? `COALESCE(l.${quote(c.name)}, r.${quote(c.name)})` : `l.${quote(c.name)}`));
  if (how === 'semi' || how === 'anti') return `SELECT ${cols.join(', ')} FROM l WHERE ${how === 'anti' ? 'NOT ' : ''}EXISTS (SELECT 1 FROM r WHERE ${cond})`;
  const names = left.columns.map((c) => c.name);
  for (const c of right.columns) {
    if (on.includes(c.name)) continue;
    cols.push(`r.${quote(c.name)}`);
    names.push(names.includes(c.name) ? `${c.name}${suffix}` : c.name);
  }
  return `SELECT ${cols.join(', ')} FROM l ${how.toUpperCase()} JOIN r ON ${cond}`;
}
type TableColumns = Pick<TestTable, 'columns'>;

export async function duckRows(conn: DuckDBConnection, sql: string): Promise<string[]> {
  const rows = (await conn.runAndReadAll(sql)).getRowsJS() as Cell[][];
  return rows.map(canonicalRow).sort();
}

export function arrowRows(t: Table): string[] {
  const cols = t.schema.fields.map((_, i) => t.getChildAt(i)!);
  const out: string[] = [];
  for (let r = 0; r < t.numRows; r++) out.push(canonicalRow(cols.map((c) => c.get(r) as Cell)));
  return out.sort();
}

export function canonicalCell(v: Cell): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : Object.is(v, -0) ? '0' : String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  return String(v);
}

const canonicalRow = (row: Cell[]): string => row.map(canonicalCell).join('|');

export function joinNode(config: Record<string, unknown>, decision?: string | null): PlanNode {
  return {
    id: 'joined',
    kind: 'step',
    op: 'join',
    inputs: [],
    outputs: {},
    config: { op: 'join', left: 'l', right: 'r', ...config },
    ...(decision === undefined ? {} : { decision: { kind: 'join', strategy: decision as string, requested: String(config.strategy ?? 'auto'), alternatives: [], reason: 'test', settings: {}, inputs: {} } }),
  };
}

export const ctxFor = (workers: number, seed = 7) => ({ seed, workDir: '/tmp', workers });
