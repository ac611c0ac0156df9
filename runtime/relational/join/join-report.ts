/** A join's stats as the run's event stream carries them (`node_finished.join`, docs/events.md). */
import type { JoinReport } from '../../events/types.js';
import type { JoinStats } from './join-stats.js';

export function joinReport(s: JoinStats): JoinReport {
  return {
    strategy: s.strategy,
    chosen_by: s.chosenBy,
    build_side: s.buildSide,
    workers: s.workers,
    partitions: s.partitions,
    rows: s.rows,
    bytes_moved: s.bytesMoved,
    bloom_filter: s.bloom.used,
    phases: s.phases.map((p) => ({ name: p.name, ms: p.ms })),
    ...(s.check
      ? { check: { planned: s.check.planned, actual: s.check.actual, strategy: s.check.strategy, build_side: s.check.buildSide, agrees: s.check.agrees, note: s.check.note } }
      : {}),
  };
}
