// Data for the join benchmark: Parquet files written by DuckDB (COPY), read back into DuckDB tables for
// DuckDB's side and into Arrow tables for dlc's side, so both join the same rows.
//
// left (id BIGINT, k BIGINT, v DOUBLE, c BIGINT): keys uniform over [0, 1.25 x right rows), so about 80% of
// left rows find their partner; c uniform over the dimension's keys. right (k BIGINT, name VARCHAR, w
// DOUBLE): every key once, in a shuffled order. dim (c BIGINT, label VARCHAR, weight DOUBLE): every c once.
// Values come from DuckDB's hash() of the row number, so the same sizes always give the same files.
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { Float64, Int64, makeData, RecordBatch, Schema, Field, Struct, Table, Utf8 } from 'apache-arrow';

/** Rows of the dimension table the second join looks up. */
export const DIM_ROWS = 1000;

export const leftQuery = (rows, keySpace, dims = DIM_ROWS) =>
  `SELECT range::BIGINT AS id, (hash(range) % ${keySpace})::BIGINT AS k, (hash(range + 1) % 1000000) / 1000000.0 AS v, (hash(range + 4) % ${dims})::BIGINT AS c FROM range(${rows})`;
export const rightQuery = (rows) =>
  `SELECT range::BIGINT AS k, 'name_' || range::VARCHAR AS name, (hash(range + 2) % 1000000) / 1000000.0 AS w FROM range(${rows}) ORDER BY hash(range + 3)`;
export const dimQuery = (rows = DIM_ROWS) =>
  `SELECT range::BIGINT AS c, 'label_' || range::VARCHAR AS label, (range % 7)::DOUBLE AS weight FROM range(${rows})`;

/** Writes `sql`'s rows to `file` as Parquet unless it is there already (under a temporary name first). */
export async function writeParquet(conn, sql, file) {
  if (existsSync(file)) return file;
  await conn.run(`COPY (${sql}) TO '${file}.tmp' (FORMAT parquet)`);
  renameSync(`${file}.tmp`, file);
  return file;
}

/** Writes left.parquet, right.parquet and dim.parquet under `dir` unless they are there already. */
export async function joinFiles(conn, dir, leftRows, rightRows) {
  mkdirSync(dir, { recursive: true });
  return {
    left: await writeParquet(conn, leftQuery(leftRows, Math.ceil(rightRows * 1.25)), join(dir, 'left.parquet')),
    right: await writeParquet(conn, rightQuery(rightRows), join(dir, 'right.parquet')),
    dim: await writeParquet(conn, dimQuery(), join(dir, 'dim.parquet')),
  };
}

/** A DuckDB query's result as an Arrow table (BIGINT, DOUBLE and VARCHAR columns without nulls). */
export async function arrowOf(conn, sql) {
  const rows = Number((await conn.runAndReadAll(`SELECT count(*) FROM (${sql})`)).getRows()[0][0]);
  const result = await conn.run(sql);
  const names = result.columnNames();
  const types = names.map((_, i) => result.columnType(i).toString());
  const cols = types.map((t) => (t === 'BIGINT' ? new BigInt64Array(rows) : t === 'DOUBLE' ? new Float64Array(rows) : t === 'VARCHAR' ? [] : null));
  types.forEach((t, i) => {
    if (cols[i] === null) throw new Error(`column ${names[i]} is ${t}; the benchmark reads BIGINT, DOUBLE and VARCHAR only`);
  });
  let at = 0;
  for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
    const n = chunk.rowCount;
    for (let c = 0; c < names.length; c++) {
      const values = chunk.getColumnValues(c);
      if (Array.isArray(cols[c])) for (let i = 0; i < n; i++) cols[c].push(values[i]);
      else cols[c].set(values, at);
    }
    at += n;
  }
  const fields = names.map((name, i) => new Field(name, types[i] === 'BIGINT' ? new Int64() : types[i] === 'DOUBLE' ? new Float64() : new Utf8(), false));
  const children = cols.map((col, i) => {
    if (!Array.isArray(col)) return makeData({ type: fields[i].type, data: col, length: rows });
    const enc = new TextEncoder();
    const bytes = col.map((s) => enc.encode(s));
    const offsets = new Int32Array(rows + 1);
    for (let r = 0; r < rows; r++) offsets[r + 1] = offsets[r] + bytes[r].length;
    const data = new Uint8Array(offsets[rows]);
    for (let r = 0; r < rows; r++) data.set(bytes[r], offsets[r]);
    return makeData({ type: new Utf8(), valueOffsets: offsets, data, length: rows });
  });
  const schema = new Schema(fields);
  return new Table(schema, [new RecordBatch(schema, makeData({ type: new Struct(fields), length: rows, nullCount: 0, children }))]);
}

/** count, sum(id) and sum(w) of a join's output: enough to tell two answers apart. */
export function checksum(table) {
  let ids = 0n;
  let w = 0;
  for (const batch of table.batches) {
    const id = batch.getChild('id').data[0].values;
    const wv = batch.getChild('w').data[0];
    for (let i = 0; i < batch.numRows; i++) ids += id[i];
    for (let i = 0; i < batch.numRows; i++) if (wv.getValid(i)) w += wv.values[i];
  }
  return { rows: table.numRows, ids: ids.toString(), w: Math.round(w * 1e3) / 1e3 };
}

export async function duckChecksum(conn, table) {
  const [rows, ids, w] = (await conn.runAndReadAll(`SELECT count(*), sum(id), sum(w) FROM ${table}`)).getRows()[0];
  return { rows: Number(rows), ids: String(ids), w: Math.round(Number(w) * 1e3) / 1e3 };
}

/**
 * What tells two outputs of the two-join pipeline apart, order aside: the column names in order, the row
 * count, and per column a sum (integers exactly, doubles to 1e-3, strings by the sum of their hashes).
 */
export async function fileChecksum(conn, file) {
  const names = (await conn.runAndReadAll(`SELECT name FROM parquet_schema('${file}') WHERE num_children IS NULL`)).getRows().map((r) => String(r[0]));
  const parts = ['count(*)::VARCHAR'];
  const types = (await conn.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${file}')`)).getRows().map((r) => String(r[1]));
  names.forEach((n, i) => {
    const t = types[i];
    const col = `"${n}"`;
    parts.push(t === 'VARCHAR' ? `sum(hash(${col}))::VARCHAR` : t === 'DOUBLE' ? `round(sum(${col}), 3)::VARCHAR` : `sum(${col})::VARCHAR`);
  });
  const row = (await conn.runAndReadAll(`SELECT ${parts.join(', ')} FROM read_parquet('${file}')`)).getRows()[0].map(String);
  return { columns: names, rows: Number(row[0]), sums: Object.fromEntries(names.map((n, i) => [n, row[i + 1]])) };
}
