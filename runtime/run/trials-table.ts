/**
 * The trials table of a train step: one row per trial and epoch with the trial's parameters (`param_*`,
 * named as in the step's `trials` output), its status (and what stopped it), where it sits in an adaptive search (the trial it continues, its rung or
 * generation), the epoch's metrics and time. Epochs count the model's epochs, its ancestors' included. Written as CSV (for people and spreadsheets) and Parquet (for
 * DuckDB, pandas, Spark), both atomically, after every train step and when a run is interrupted.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Bool, Float64, Int64, Table, Utf8, type Vector, vectorFromArray } from 'apache-arrow';
import { parquetColumns, writeParquetFile } from '../relational/export/parquet/write-parquet.js';
import { RUN_FILES } from '../store/run-dir.js';
import type { TrainNodeResult } from './train-node.js';
import type { TrialRecord } from './trial-book.js';

type Row = Record<string, string | number | boolean | null>;

export function trialRows(node: string, result: Pick<TrainNodeResult, 'trials'>): Row[] {
  const searchOf = (t: TrialRecord): Row => ({
    stopped_by: t.stoppedBy ?? null,
    parent: t.lineage.parent ?? null,
    rung: t.lineage.rung ?? null,
    bracket: t.lineage.bracket ?? null,
    generation: t.lineage.generation ?? null,
  });
  // Search columns appear when any trial has a value for them, in every row, right after the status.
  const used = new Set<string>();
  for (const t of result.trials) for (const [k, v] of Object.entries(searchOf(t))) if (v !== null) used.add(k);
  const rows: Row[] = [];
  for (const t of result.trials) {
    const params = Object.fromEntries(Object.entries(t.params).map(([k, v]) => [`param_${k}`, scalar(v)]));
    const search = Object.fromEntries(Object.entries(searchOf(t)).filter(([k]) => used.has(k)));
    const base = { node, trial: t.id, status: t.outcome, ...search, ...params };
    if (t.epochs.length === 0) rows.push({ ...base, epoch: null, seconds: null });
    for (const e of t.epochs) rows.push({ ...base, epoch: e.epoch, seconds: round(e.seconds), ...e.metrics });
  }
  return rows;
}

const scalar = (v: unknown): string | number | boolean | null => (v === null || typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean' ? v : JSON.stringify(v));
const round = (x: number): number => Math.round(x * 1000) / 1000;

export function toCsv(rows: readonly Row[]): string {
  const columns: string[] = [];
  for (const r of rows) for (const k of Object.keys(r)) if (!columns.includes(k)) columns.push(k);
  const cell = (v: Row[string] | undefined): string => {
    if (v === null || v === undefined) return '';
    const s = typeof v === 'number' && !Number.isFinite(v) ? String(v) : String(v);
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [columns.join(','), ...rows.map((r) => columns.map((c) => cell(r[c])).join(','))].join('\n') + '\n';
}

/** Appends this node's rows to the run's trials table (a run may have several train steps). */
const allRows = new Map<string, Row[]>();

export async function writeTrialsTable(runDir: string, node: string, result: Pick<TrainNodeResult, 'trials'>): Promise<void> {
  const key = `${runDir}\u0000`;
  const rows = (allRows.get(key) ?? []).filter((r) => r.node !== node).concat(trialRows(node, result));
  allRows.set(key, rows);
  const csv = join(runDir, RUN_FILES.trialsCsv);
  writeFileSync(`${csv}.tmp`, toCsv(rows));
  renameSync(`${csv}.tmp`, csv);
  await writeParquet(rows, join(runDir, RUN_FILES.trialsParquet));
}

/**
 * Written with dlc's own Parquet writer from an Arrow table of the rows: starting DuckDB to convert the CSV
 * cost about a quarter of a second at the end of every train step, for a table of a few rows.
 */
async function writeParquet(rows: readonly Row[], target: string): Promise<void> {
  const table = trialsArrowTable(rows);
  const columns = parquetColumns(table);
  if (!columns) throw new Error('the trials table has a column type the Parquet writer does not handle');
  await writeParquetFile(`${target}.tmp`, table, columns, 'dlc');
  renameSync(`${target}.tmp`, target);
}

/**
 * One typed column per key: whole numbers as Int64 (as a CSV reader infers them), other numbers as
 * Float64, booleans as Bool, anything else (or a mix) as Utf8; a column with no value at all is Utf8.
 */
export function trialsArrowTable(rows: readonly Row[]): Table {
  const names: string[] = [];
  for (const r of rows) for (const k of Object.keys(r)) if (!names.includes(k)) names.push(k);
  const columns: Record<string, Vector> = {};
  for (const name of names) {
    const values = rows.map((r) => r[name] ?? null);
    const present = values.filter((v) => v !== null);
    if (present.length > 0 && present.every((v) => typeof v === 'number' && Number.isSafeInteger(v))) {
      columns[name] = vectorFromArray(values.map((v) => (v === null ? null : BigInt(v as number))), new Int64());
    } else if (present.length > 0 && present.every((v) => typeof v === 'number')) {
      columns[name] = vectorFromArray(values as (number | null)[], new Float64());
    } else if (present.length > 0 && present.every((v) => typeof v === 'boolean')) {
      columns[name] = vectorFromArray(values as (boolean | null)[], new Bool());
    } else {
      columns[name] = vectorFromArray(values.map((v) => (v === null ? null : String(v))), new Utf8());
    }
  }
  return new Table(columns);
}
