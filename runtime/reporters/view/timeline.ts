/**
 * The model hopping Gantt chart: for each worker, which unit (trial, partition, epoch) it ran when. Lanes
 * hold the units; `laneCells` samples a lane onto a fixed number of terminal columns.
 */
import type { RunState, UnitView } from './run-state.js';

export interface Lane {
  worker: string;
  units: UnitView[];
}

export interface TimeWindow {
  from: number;
  to: number;
}

/** Units of `node` (or of every train step) per worker, in the order they started; a group unit is on every member's lane. */
export function lanesOf(state: RunState, node?: string): Lane[] {
  const byWorker = new Map<string, UnitView[]>();
  for (const w of state.workers) byWorker.set(w.id, []);
  for (const u of state.units) {
    if (node !== undefined && u.node !== node) continue;
    for (const w of u.workers ?? [u.worker]) {
      if (!byWorker.has(w)) byWorker.set(w, []);
      byWorker.get(w)!.push(u);
    }
  }
  return [...byWorker.entries()].sort(([a], [b]) => a.localeCompare(b, undefined, { numeric: true })).map(([worker, units]) => ({ worker, units: units.sort((a, b) => a.start - b.start) }));
}

export function windowOf(lanes: readonly Lane[], now: number): TimeWindow | null {
  const units = lanes.flatMap((l) => l.units);
  if (units.length === 0) return null;
  const from = Math.min(...units.map((u) => u.start));
  const to = Math.max(from + 1, ...units.map((u) => u.end ?? now));
  return { from, to };
}

/** For each of `columns` equal slices of the window, the unit that overlaps it most (null when idle). */
export function laneCells(lane: Lane, window: TimeWindow, columns: number, now: number): (UnitView | null)[] {
  const cells: (UnitView | null)[] = [];
  const width = (window.to - window.from) / columns;
  let i = 0;
  for (let c = 0; c < columns; c++) {
    const a = window.from + c * width;
    const b = a + width;
    while (i < lane.units.length && (lane.units[i]!.end ?? now) <= a) i++;
    let best: UnitView | null = null;
    let bestOverlap = 0;
    for (let j = i; j < lane.units.length && lane.units[j]!.start < b; j++) {
      const u = lane.units[j]!;
      const overlap = Math.min(b, u.end ?? now) - Math.max(a, u.start);
      if (overlap > bestOverlap) {
        best = u;
        bestOverlap = overlap;
      }
    }
    cells.push(best);
  }
  return cells;
}

/** A trial's one-character name: 0-9 then a-z, then `+` past 35. */
export function trialMark(trial: number): string {
  return trial < 36 ? trial.toString(36) : '+';
}
