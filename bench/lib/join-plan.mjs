// What the planner picks: `dlc plan --json` (the very command, so the same code path) for a spec at a
// worker count, with the machine constants of whichever calibration cache XDG_CACHE_HOME points to.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeParquet } from './join-data.mjs';

/** The strategy `dlc plan` gives step `step`, with its decision. */
export function plannedJoin(root, spec, workers, env, step = 'joined') {
  const r = spawnSync(process.execPath, [join(root, 'dist', 'cli', 'main.js'), 'plan', spec, '--workers', String(workers), '--json'], { env, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`dlc plan ${spec} --workers ${workers} failed: ${r.stderr}`);
  const node = JSON.parse(r.stdout).nodes.find((n) => n.id === step);
  return { strategy: node.strategy, decision: node.decision };
}

/** A one-join spec over two Parquet files (what a sweep point plans). */
export function writeJoinSpec(dir, left, right) {
  const file = join(dir, 'join.yaml');
  writeFileSync(
    file,
    `dlc: 1
name: join-point
sources:
  facts: { format: parquet, path: ${left} }
  users: { format: parquet, path: ${right} }
steps:
  joined: { op: join, left: facts, right: users, on: k }
  out: { op: export, from: joined, path: ${join(dir, 'out.parquet')}, format: parquet }
`,
  );
  return file;
}

/**
 * The crossover check: A and B of the same width (k BIGINT, v DOUBLE), A = 4·B rows (A+B = 5 units of B, the
 * talk's case), planned at 1..8 workers with the default constants and with this machine's.
 */
export async function crossover({ root, conn, dir, rows, envDefaults, envCalibrated, workers = [1, 2, 3, 4, 5, 6, 8] }) {
  const b = Math.round(rows / 4);
  const left = await writeParquet(conn, `SELECT (hash(range) % ${b})::BIGINT AS k, (hash(range + 1) % 1000) / 1000.0 AS v FROM range(${rows})`, join(dir, `crossover-a-${rows}.parquet`));
  const right = await writeParquet(conn, `SELECT range::BIGINT AS k, (hash(range + 2) % 1000) / 1000.0 AS w FROM range(${b})`, join(dir, `crossover-b-${b}.parquet`));
  const spec = writeJoinSpec(dir, left, right);
  return workers.map((n) => ({ workers: n, defaults: plannedJoin(root, spec, n, envDefaults).strategy, calibrated: plannedJoin(root, spec, n, envCalibrated).strategy }));
}
