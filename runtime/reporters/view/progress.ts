/**
 * How far a step has got and when it should end. A train step counts units of work (one trial, one epoch,
 * one partition); its total comes from the plan (trials × epochs × partitions) and shrinks when a trial
 * stops early or fails. Other steps count what their `node_progress` events say.
 */
import type { NodeView, RunState } from './run-state.js';

export interface Progress {
  done: number;
  /** Null when the total cannot be known yet. */
  total: number | null;
  /** What is counted: `units` for training, `steps` otherwise. */
  unit: string;
  elapsedSeconds: number;
  /** Seconds left at the pace so far; null until there is a pace. */
  etaSeconds: number | null;
}

/** Partitions of one epoch of a train step: fixed by the spec, else one per worker (model hopping). */
export function partitionsOf(state: RunState, node: NodeView): number {
  const seen = state.units.filter((u) => u.node === node.id && typeof u.partition === 'number').map((u) => (u.partition as number) + 1);
  const planned = node.training?.partitions ?? (node.training?.strategy === 'task' ? 1 : state.workers.length || state.run?.workers || 1);
  return Math.max(planned, ...seen);
}

function trainProgress(state: RunState, node: NodeView, now: number): Progress {
  const trials = state.trials.filter((t) => t.node === node.id);
  const units = state.units.filter((u) => u.node === node.id);
  const P = partitionsOf(state, node);
  const E = node.training?.epochs ?? null;
  const C = node.training?.configurations ?? null;
  const done = units.filter((u) => u.status === 'completed').length;
  let total: number | null = null;
  if (E !== null && C !== null) {
    total = 0;
    for (const t of trials) total += t.status === 'running' ? E * P : t.unitsDone;
    total += Math.max(0, C - trials.length) * E * P;
    total = Math.max(total, done);
  } else if (node.status !== 'running') total = done;
  const startedAt = node.startedAt ?? state.run?.startedAt ?? now;
  const end = node.finishedAt !== undefined && node.status !== 'running' ? node.finishedAt : now;
  const elapsed = Math.max(0, (end - startedAt) / 1000);
  const doneHere = units.filter((u) => u.status === 'completed' && !u.earlier).length;
  const eta = total !== null && doneHere > 0 && elapsed > 0 && node.status === 'running' ? ((total - done) * elapsed) / doneHere : null;
  return { done, total, unit: 'units', elapsedSeconds: elapsed, etaSeconds: eta };
}

export function nodeProgress(state: RunState, node: NodeView, now: number): Progress | null {
  if (node.op === 'train' && (node.status !== 'pending' || state.units.some((u) => u.node === node.id))) return trainProgress(state, node, now);
  if (node.progress) {
    const startedAt = node.startedAt ?? now;
    const end = node.status === 'running' ? now : (node.finishedAt ?? now);
    const elapsed = Math.max(0, (end - startedAt) / 1000);
    const { done, total } = node.progress;
    const eta = node.status === 'running' && done > 0 && total > 0 ? ((total - done) * elapsed) / done : null;
    return { done, total, unit: '', elapsedSeconds: elapsed, etaSeconds: eta };
  }
  return null;
}

/** A bar of `width` cells: full blocks, one partial block, spaces shown as light shade. */
export function progressBar(fraction: number, width: number): { filled: string; empty: string } {
  const f = Math.min(1, Math.max(0, fraction));
  const eighths = Math.round(f * width * 8);
  const full = Math.floor(eighths / 8);
  const partial = eighths % 8;
  const partials = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];
  const filled = '█'.repeat(full) + (full < width ? (partials[partial] ?? '') : '');
  return { filled, empty: '░'.repeat(Math.max(0, width - [...filled].length)) };
}
