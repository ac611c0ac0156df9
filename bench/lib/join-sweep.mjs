// The strategy sweep: for each size ratio and worker count, every movable strategy timed on the same rows
// in memory (runJoin), the fastest, and what the planner picks for that point (`dlc plan`, from the
// Parquet files' statistics), with this machine's calibrated constants and with the defaults.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { arrowOf, leftQuery, rightQuery, writeParquet } from './join-data.mjs';
import { plannedJoin, writeJoinSpec } from './join-plan.mjs';
import { summarize } from './measure.mjs';

export const MOVABLE = ['broadcast', 'shuffle_hash', 'sort_merge'];

const joinNode = (strategy) => ({ id: 'bench', kind: 'step', op: 'join', inputs: [], outputs: {}, config: { op: 'join', on: 'k', how: 'inner', strategy, bloom_filter: false } });

export async function sweep({ root, conn, dlc, dir, rows, ratios, workersList, rounds, envCalibrated, envDefaults, log }) {
  const points = [];
  for (const ratio of ratios) {
    const small = Math.max(1, Math.round(rows / ratio));
    const pointDir = join(dir, `sweep-${rows}-${small}`);
    mkdirSync(pointDir, { recursive: true });
    const left = await writeParquet(conn, leftQuery(rows, Math.ceil(small * 1.25)), join(pointDir, 'left.parquet'));
    const right = await writeParquet(conn, rightQuery(small), join(pointDir, 'right.parquet'));
    const spec = writeJoinSpec(pointDir, left, right);
    const l = await arrowOf(conn, `SELECT * FROM read_parquet('${left}')`);
    const r = await arrowOf(conn, `SELECT * FROM read_parquet('${right}')`);
    for (const workers of workersList) {
      const planned = plannedJoin(root, spec, workers, envCalibrated);
      const plannedDefault = plannedJoin(root, spec, workers, envDefaults).strategy;
      const times = Object.fromEntries(MOVABLE.map((s) => [s, []]));
      // One warm-up round, then `rounds`, the order rotated each round so drift hits every strategy alike.
      for (let round = 0; round < 1 + rounds; round++) {
        const order = MOVABLE.map((_, i) => MOVABLE[(i + round) % MOVABLE.length]);
        for (const s of order) {
          const t = performance.now();
          await dlc.runJoin(joinNode(s), l, r, { seed: 1, workDir: pointDir, workers });
          if (round > 0) times[s].push(performance.now() - t);
        }
      }
      const medians = Object.fromEntries(MOVABLE.map((s) => [s, summarize(times[s]).median]));
      const fastest = MOVABLE.reduce((a, b) => (medians[b] < medians[a] ? b : a));
      const est = Object.fromEntries(planned.decision.alternatives.map((a) => [a.strategy, a.cost]));
      points.push({ leftRows: rows, rightRows: small, ratio, workers, medians, fastest, planned: planned.strategy, plannedDefault, estimates: est, raw: times });
      log(`sweep ${rows} x ${small} (1/${ratio}), ${workers} workers: fastest ${fastest}; the planner picks ${planned.strategy} (${plannedDefault} with the default constants)`);
    }
  }
  return points;
}

/** Exact picks, and the picked strategy's time over the fastest one's, for one column of picks. */
export function agreement(points, key) {
  const ratios = points.map((p) => p.medians[p[key]] / p.medians[p.fastest]);
  return { exact: points.filter((p) => p[key] === p.fastest).length / Math.max(1, points.length), ratio: summarize(ratios), within5: ratios.filter((x) => x <= 1.05).length / Math.max(1, ratios.length) };
}
