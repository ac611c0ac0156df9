// The whole-pipeline half of the join benchmark: the spec dlc runs, one `dlc run` and one DuckDB process
// timed from spawn to exit, and where dlc's time went, from the run's own events.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The two-join pipeline as a spec: facts ⋈ users on k, then ⋈ the dimension on c, exported as Parquet.
 * Strategies are left to the planner (`auto`), as a user would.
 */
export function writeRunSpec(dir, files, out) {
  const file = join(dir, 'join-pipeline.yaml');
  writeFileSync(
    file,
    `dlc: 1
name: join-bench
sources:
  facts: { format: parquet, path: ${files.left} }
  users: { format: parquet, path: ${files.right} }
  cats: { format: parquet, path: ${files.dim} }
steps:
  with_users: { op: join, left: facts, right: users, on: k }
  with_cats: { op: join, left: with_users, right: cats, on: c }
  out: { op: export, from: with_cats, path: ${out}, format: parquet }
`,
  );
  return file;
}

/** Runs `node args` to exit; wall ms, stdout, and its resource use (bench/lib/peak-rss.cjs): peak resident memory (KiB), minor page faults, user and system CPU ms. */
function timedChild(root, args, env, tag) {
  const rssFile = join(env.DLC_BENCH_TMP, `${tag}.rss`);
  rmSync(rssFile, { force: true });
  const childEnv = { ...env, NODE_OPTIONS: `${env.NODE_OPTIONS ?? ''} --require ${join(root, 'bench', 'lib', 'peak-rss.cjs')}`.trim(), DLC_BENCH_PEAK_RSS: rssFile };
  return new Promise((resolve, reject) => {
    const t = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c) => (stderr += c));
    child.on('error', reject);
    child.on('close', (status) => {
      const ms = Number(process.hrtime.bigint() - t) / 1e6;
      if (status !== 0) return reject(new Error(`${args.join(' ')} exited ${status}: ${stderr.slice(-2000)}`));
      const usage = existsSync(rssFile) ? JSON.parse(readFileSync(rssFile, 'utf8')) : null;
      resolve({ ms, stdout, stderr, peakKiB: usage?.maxRSS ?? null, usage });
    });
  });
}

/** One `dlc run` of the spec: wall time, peak memory, and its events. */
export async function runDlc({ root, spec, workers, runDir, env }) {
  rmSync(runDir, { recursive: true, force: true });
  const args = [join(root, 'dist', 'cli', 'main.js'), 'run', spec, '--workers', String(workers), '--no-cache', '--json', '--run-dir', runDir];
  const r = await timedChild(root, args, env, 'dlc');
  const events = r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
  const finished = events.find((e) => e.type === 'run_finished');
  if (finished?.status !== 'completed') throw new Error(`dlc run did not complete: ${finished?.error ?? r.stderr.slice(-2000)}`);
  rmSync(runDir, { recursive: true, force: true });
  return { ms: r.ms, peakKiB: r.peakKiB, usage: r.usage, events };
}

/** One DuckDB process running the same pipeline with `threads` threads. */
export async function runDuck({ root, files, out, threads, env }) {
  const r = await timedChild(root, [join(root, 'bench', 'lib', 'duck-join.mjs'), files.left, files.right, files.dim, out, String(threads)], env, 'duck');
  return { ms: r.ms, peakKiB: r.peakKiB, usage: r.usage, ...JSON.parse(r.stdout.trim().split('\n').at(-1)) };
}

/**
 * Where a dlc run's wall time went, from its events: start-up and planning (process start to the run's
 * first event, and the tail after the last), reading the sources, each join, the export.
 */
export function timeline(events, wallMs) {
  const nodes = Object.fromEntries(events.filter((e) => e.type === 'node_finished').map((e) => [e.node, e]));
  const ms = (id) => (nodes[id]?.seconds ?? 0) * 1000;
  const run = events.find((e) => e.type === 'run_finished');
  const runMs = run.seconds * 1000;
  const read = ms('facts') + ms('users') + ms('cats');
  const parts = { read, join1: ms('with_users'), join2: ms('with_cats'), export: ms('out') };
  return {
    startup: wallMs - runMs,
    ...parts,
    other: runMs - Object.values(parts).reduce((a, b) => a + b, 0),
    strategies: { join1: nodes.with_users?.join?.strategy, join2: nodes.with_cats?.join?.strategy },
    joins: { join1: nodes.with_users?.join, join2: nodes.with_cats?.join },
  };
}
