/** Runs one task (tasks/types.ts) in whatever thread it was given to. */
import { scatterInto } from '../exchange.js';
import { layoutBuffers, plainAlloc, sharedAlloc } from '../layout.js';
import { scatterTable } from '../scatter.js';
import { broadcastPairs, broadcastProbe, emitBuild } from './broadcast.js';
import { colocatedJoin } from './colocated.js';
import { countRows } from './count.js';
import { partitionJoin } from './partition-join.js';
import { scan } from './scan.js';
import type { Task, TaskResult } from './types.js';

export * from './types.js';

export function runTask(task: Task): { result: TaskResult; transfer: ArrayBuffer[] } {
  const result = dispatch(task);
  const transfer: ArrayBuffer[] = [];
  if (result.kind === 'batches') {
    const seen = new Set<ArrayBufferLike>();
    for (const b of result.batches) for (const c of b.columns) layoutBuffers(c, seen);
    for (const buf of seen) if (buf instanceof ArrayBuffer) transfer.push(buf);
  }
  if (result.kind === 'pairs') {
    for (const s of result.segments) transfer.push(s.probe.buffer as ArrayBuffer, s.build.buffer as ArrayBuffer);
    if (result.flags !== null) transfer.push(result.flags.buffer as ArrayBuffer);
  }
  return { result, transfer };
}

function dispatch(task: Task): TaskResult {
  switch (task.kind) {
    case 'broadcast-probe':
      return broadcastProbe(task);
    case 'broadcast-pairs':
      return broadcastPairs(task);
    case 'emit-build':
      return emitBuild(task);
    case 'scan':
      return scan(task);
    case 'count':
      return countRows(task);
    case 'scatter':
      scatterInto(task.table, task.from, task.ids.subarray(task.from, task.to), task.targets, task.rowStart, task.byteStart);
      return { kind: 'done' };
    case 'pieces':
      return { kind: 'pieces', pieces: scatterTable(task.table, task.from, task.ids.subarray(task.from, task.to), task.counts, task.shared ? sharedAlloc : plainAlloc) };
    case 'partition-join':
      return partitionJoin(task);
    case 'colocated-join':
      return colocatedJoin(task);
  }
}

