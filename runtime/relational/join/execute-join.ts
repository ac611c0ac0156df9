/**
 * One join from start to end: prepare the inputs, run the strategy on the workers, assemble the Arrow
 * table, and say what happened (JoinStats).
 */
import { makeData, RecordBatch, Struct, Table } from 'apache-arrow';
import type { RelationalContext } from '../types.js';
import { dataFromLayout } from './arrow-layout.js';
import type { ChosenStrategy } from './decide.js';
import { CACHE_ROWS } from './hash-join.js';
import { otherSide } from './join-shape.js';
import { type JoinSpec, type JoinStrategy } from './join-spec.js';
import { type JoinStats, PhaseClock } from './join-stats.js';
import { type TableLayout, tableBytes } from './layout.js';
import { type PreparedJoin, prepareJoin } from './prepare.js';
import { makeRunner } from './runner.js';
import { broadcastJoin } from './strategies/broadcast.js';
import { colocatedJoin } from './strategies/colocated.js';
import { partitionedJoin } from './strategies/partitioned.js';
import type { StrategyContext, StrategyResult } from './strategies/strategy.js';

export interface JoinResult {
  table: Table;
  stats: JoinStats;
}

export async function executeJoin(left: Table, right: Table, spec: JoinSpec, chosen: ChosenStrategy, ctx: RelationalContext): Promise<JoinResult> {
  const clock = new PhaseClock();
  const runner = makeRunner(Math.max(1, Math.floor(ctx.workers)));
  // Inputs stay where they are; strategies copy to shared memory only the rows other workers read. An
  // input in several batches is copied end to end anyway: into shared memory, where every worker reads it
  // (not once more for the other workers). A broadcast of a cache-sized side probes the other side batch
  // by batch where it lies (lookup).
  const buildSide = chosen.buildSide ?? (left.numRows < right.numRows ? 'left' : 'right');
  const lookup = chosen.strategy === 'broadcast' && (buildSide === 'left' ? left : right).numRows <= CACHE_ROWS;
  const colocated = chosen.strategy === 'colocated';
  const prepared = prepareJoin(left, right, spec, { shared: runner.workers > 1 && !colocated ? 'copies' : false, perBatch: colocated, ...(lookup ? { chunked: otherSide(buildSide) } : {}) });
  clock.lap('prepare inputs');
  const total = left.numRows + right.numRows;
  const c: StrategyContext = {
    prepared,
    runner,
    bloom: spec.bloomFilter,
    ...(chosen.buildSide ? { buildSide: chosen.buildSide } : {}),
    seed: ctx.seed,
    clock,
    progress: (round, rounds) => ctx.onProgress?.(Math.round((total * round) / rounds), total),
  };
  const result = await runStrategy(chosen.strategy, c);
  const table = assemble(prepared, result.batches);
  clock.lap('assemble output');
  const bytesMoved = Object.values(result.bytesMovedBy).reduce((a, b) => a + b, 0);
  const stats: JoinStats = {
    strategy: chosen.strategy,
    chosenBy: chosen.chosenBy,
    reason: chosen.reason,
    ...(chosen.check ? { check: chosen.check } : {}),
    how: spec.how,
    workers: runner.workers,
    buildSide: result.buildSide,
    partitions: result.partitions,
    rows: { left: left.numRows, right: right.numRows, output: table.numRows },
    inputBytes: { left: sumBytes(prepared.left), right: sumBytes(prepared.right) },
    bytesMoved,
    bytesMovedBy: result.bytesMovedBy,
    bloom: result.bloom,
    ...(result.distinctKeys ? { distinctKeys: result.distinctKeys } : {}),
    phases: clock.phases,
  };
  return { table, stats };
}

function runStrategy(strategy: JoinStrategy, c: StrategyContext): Promise<StrategyResult> {
  switch (strategy) {
    case 'broadcast':
      return broadcastJoin(c);
    case 'shuffle_hash':
      return partitionedJoin(c, 'hash');
    case 'sort_merge':
      return partitionedJoin(c, 'merge');
    case 'colocated':
      return colocatedJoin(c);
  }
}

const sumBytes = (parts: TableLayout[]): number => parts.reduce((a, t) => a + tableBytes(t), 0);

function assemble(p: PreparedJoin, batches: TableLayout[]): Table {
  const type = new Struct(p.schema.fields);
  const records = batches
    .filter((b) => b.length > 0)
    .map((b) => {
      const children = b.columns.map((l, i) => dataFromLayout(l, p.outputTypes[i]!.type, p.outputTypes[i]!.dictionary));
      return new RecordBatch(p.schema, makeData({ type, length: b.length, nullCount: 0, children }));
    });
  return records.length === 0 ? new Table(p.schema) : new Table(p.schema, records);
}
