// Joins through the whole `dlc run` against DuckDB, and whether the planner picks the fastest strategy.
//
// 0. Calibration: `dlc calibrate` into a cache of the benchmark's own (XDG_CACHE_HOME), so the planner uses
//    this machine's constants; BENCH_JOIN_CALIBRATE=0 plans with the defaults instead.
// 1. Data: facts (id, k, v, c; 10M rows), users (k, name, w; 2.5M rows) and a 1,000-row dimension (c, label,
//    weight), written as Parquet by DuckDB (bench/lib/join-data.mjs).
// 2. Whole pipeline (the headline): `dlc run` of a spec with the three Parquet sources, facts ⋈ users on k,
//    then ⋈ the dimension on c, exported as Parquet, timed as a process from spawn to exit; against a
//    process running DuckDB (@duckdb/node-api, threads = workers) on the same files with the same query,
//    writing the same Parquet output (bench/lib/duck-join.mjs). Alternating order, median of the per-round
//    ratios. The first round checks both outputs are the same rows (count, column names, per-column sums).
//    Where dlc's time goes comes from the run's events (node_finished seconds, each join's phases).
// 3. In memory: runJoin alone against DuckDB joining tables already in memory, every strategy.
// 4. Sweep: a 2M-row left side against right sides 1/1 ... 1/256 of it, with 1, 2 and 4 workers: every
//    movable strategy timed, the fastest recorded, next to what `dlc plan` picks for that point's files.
// 5. Crossover: `dlc plan` of A = 4B rows of one width at 1..8 workers.
// 6. Worker threads against child processes: handing a worker 64 MiB.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { measureHandoff } from './lib/handoff.mjs';
import { arrowOf, checksum, DIM_ROWS, duckChecksum, fileChecksum, joinFiles } from './lib/join-data.mjs';
import { crossover } from './lib/join-plan.mjs';
import { runDlc, runDuck, timeline, writeRunSpec } from './lib/join-run.mjs';
import { agreement, MOVABLE, sweep } from './lib/join-sweep.mjs';
import { ms1, r2, summarize } from './lib/measure.mjs';

const env = process.env;
const LEFT = Number(env.BENCH_JOIN_LEFT ?? 10_000_000);
const RIGHT = Number(env.BENCH_JOIN_RIGHT ?? 2_500_000);
const ROUNDS = Number(env.BENCH_ROUNDS ?? 5);
const WARMUP = Number(env.BENCH_WARMUP ?? 1);
const WORKERS = Number(env.BENCH_WORKERS ?? availableParallelism());
const CALIBRATE = env.BENCH_JOIN_CALIBRATE !== '0';
const IN_MEMORY = env.BENCH_JOIN_IN_MEMORY !== '0';
const MEMORY_ROUNDS = Number(env.BENCH_JOIN_MEMORY_ROUNDS ?? 3);
const SWEEP_ROWS = Number(env.BENCH_SWEEP_ROWS ?? 2_000_000);
const SWEEP_RATIOS = (env.BENCH_SWEEP_RATIOS ?? '1,4,16,64,256').split(',').map(Number);
const SWEEP_WORKERS = (env.BENCH_SWEEP_WORKERS ?? '1,2,4').split(',').map(Number);
const SWEEP_ROUNDS = Number(env.BENCH_SWEEP_ROUNDS ?? 3);
const CROSSOVER_ROWS = Number(env.BENCH_CROSSOVER_ROWS ?? 4_000_000);
const STRATEGIES = [...MOVABLE, 'colocated'];
const TARGET_RATIO = 1.5;
const TARGET_AGREEMENT = 0.9;

const duckVersion = (root) => JSON.parse(readFileSync(join(root, 'node_modules', '@duckdb', 'node-api', 'package.json'), 'utf8')).version;
const mb = (b) => (b / 1e6).toFixed(1);
const gib = (kib) => (kib == null ? '?' : (kib / 2 ** 20).toFixed(2));
const IN_MEMORY_SQL = 'SELECT l.id, l.k, l.v, r.name, r.w FROM l JOIN r ON l.k = r.k';

/**
 * Kernel time and first touches of memory, median over the rounds: on a VM a page fault is dear (about
 * 0.4 s per GiB touched for the first time, measured here), so memory a run allocates costs time too.
 */
function usageNote(usage) {
  if (usage.dlc.length === 0) return '';
  const med = (list, k) => summarize(list.map((u) => u[k])).median;
  const side = (list) => `${Math.round(med(list, 'minorFaults') / 1000)}k minor page faults (${r2((med(list, 'minorFaults') * 4096) / 2 ** 30)} GiB first touched), CPU ${ms1(med(list, 'userMs'))} ms user + ${ms1(med(list, 'systemMs'))} ms system`;
  return ` Resource use of the whole process (median): dlc ${side(usage.dlc)}; DuckDB ${side(usage.duck)}.`;
}

export async function run({ root, log }) {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const dlc = await import(pathToFileURL(join(root, 'dist', 'runtime', 'relational', 'join', 'index.js')).href);
  const base = join(tmpdir(), 'dlc-bench-join');
  mkdirSync(base, { recursive: true });
  const benchEnv = { ...env, DLC_BENCH_TMP: base, NO_COLOR: '1' };
  const envDefaults = { ...benchEnv, XDG_CACHE_HOME: join(base, 'no-calibration') };
  const calibrationHome = join(base, 'calibration');
  const envCalibrated = CALIBRATE ? { ...benchEnv, XDG_CACHE_HOME: calibrationHome } : envDefaults;

  // 0. Calibration.
  let calibration = null;
  if (CALIBRATE) {
    rmSync(calibrationHome, { recursive: true, force: true });
    const c = spawnSync(process.execPath, [join(root, 'dist', 'cli', 'main.js'), 'calibrate', '--json'], { env: envCalibrated, encoding: 'utf8' });
    if (c.status !== 0) throw new Error(`dlc calibrate failed: ${c.stderr}`);
    calibration = JSON.parse(c.stdout);
    log(`calibrated: ${['read', 'sort', 'hash', 'send'].map((k) => `${k} ${mb(calibration.constants[`${k}_bytes_per_s`])} MB/s`).join(', ')}`);
  }

  const instance = await DuckDBInstance.create(':memory:', { threads: String(WORKERS) });
  const conn = await instance.connect();
  try {
    // 1. Data.
    const files = await joinFiles(conn, join(base, `data-${LEFT}x${RIGHT}-v2`), LEFT, RIGHT);
    log(`data: ${files.left}, ${files.right}, ${files.dim}`);

    // 2. The whole pipeline.
    const spec = writeRunSpec(base, files, join(base, 'out-dlc.parquet'));
    const raw = { dlc: [], duck: [], parts: [], duckParts: [], usage: { dlc: [], duck: [] }, peak: { dlc: 0, duck: 0 }, cold: null, last: null };
    let same = null;
    for (let round = 0; round < WARMUP + ROUNDS; round++) {
      const timeDlc = () => runDlc({ root, spec, workers: WORKERS, runDir: join(base, 'run'), env: envCalibrated });
      const timeDuck = () => runDuck({ root, files, out: join(base, 'out-duck.parquet'), threads: WORKERS, env: benchEnv });
      let mine;
      let theirs;
      if (round % 2 === 0) {
        theirs = await timeDuck();
        mine = await timeDlc();
      } else {
        mine = await timeDlc();
        theirs = await timeDuck();
      }
      raw.peak.dlc = Math.max(raw.peak.dlc, mine.peakKiB ?? 0);
      raw.peak.duck = Math.max(raw.peak.duck, theirs.peakKiB ?? 0);
      const parts = timeline(mine.events, mine.ms);
      if (round === 0) {
        const a = await fileChecksum(conn, join(base, 'out-dlc.parquet'));
        const b = await fileChecksum(conn, join(base, 'out-duck.parquet'));
        if (JSON.stringify(a) !== JSON.stringify(b)) throw new Error(`dlc wrote ${JSON.stringify(a)}, DuckDB ${JSON.stringify(b)}`);
        same = a;
        raw.cold = { dlc: mine.ms, duck: theirs.ms };
      }
      if (round >= WARMUP) {
        raw.dlc.push(mine.ms);
        raw.duck.push(theirs.ms);
        raw.parts.push(parts);
        raw.duckParts.push(theirs);
        if (mine.usage && theirs.usage) {
          raw.usage.dlc.push(mine.usage);
          raw.usage.duck.push(theirs.usage);
        }
        raw.last = parts;
      }
      log(`whole run ${round + 1}/${WARMUP + ROUNDS}${round < WARMUP ? ' (warm-up)' : ''}: dlc ${ms1(mine.ms)} ms (read ${ms1(parts.read)}, ${parts.strategies.join1} ${ms1(parts.join1)}, ${parts.strategies.join2} ${ms1(parts.join2)}, export ${ms1(parts.export)}), DuckDB ${ms1(theirs.ms)} ms`);
    }
    const whole = { dlc: summarize(raw.dlc), duck: summarize(raw.duck), ratio: summarize(raw.dlc.map((m, i) => m / raw.duck[i])) };
    const part = (k) => summarize(raw.parts.map((p) => p[k])).median;
    const duckPart = (k) => summarize(raw.duckParts.map((p) => p[k])).median;

    // 3. In memory, every strategy.
    let head = [];
    if (IN_MEMORY) head = await inMemory({ conn, dlc, files, log });

    // 4. Sweep; 5. crossover.
    const sweepDir = join(base, 'sweep');
    mkdirSync(sweepDir, { recursive: true });
    const points = await sweep({ root, conn, dlc, dir: sweepDir, rows: SWEEP_ROWS, ratios: SWEEP_RATIOS, workersList: SWEEP_WORKERS, rounds: SWEEP_ROUNDS, envCalibrated, envDefaults, log });
    const picked = agreement(points, 'planned');
    const pickedDefault = agreement(points, 'plannedDefault');
    const cross = await crossover({ root, conn, dir: sweepDir, rows: CROSSOVER_ROWS, envDefaults, envCalibrated });
    log(`crossover: ${cross.map((c) => `${c.workers}: ${c.defaults}/${c.calibrated}`).join(', ')}`);

    // 6. Threads or processes.
    const handoff = await measureHandoff({ megabytes: 64, rounds: 5 });
    await dlc.stopJoinThreads();

    const constantsFrom = CALIBRATE ? `this machine's constants (dlc calibrate at the start of the benchmark, cached under ${calibrationHome})` : 'the default constants (BENCH_JOIN_CALIBRATE=0)';
    const broadcastAt2 = cross.find((c) => c.workers === 2);
    const beyond = cross.filter((c) => c.workers > 5);
    const targets = [
      { name: `dlc run / DuckDB, two joins over ${LEFT} x ${RIGHT} rows (and a ${DIM_ROWS}-row dimension), Parquet in and out, ${WORKERS} workers / threads (median of per-round ratios)`, limit: `≤ ${TARGET_RATIO}×`, measured: `${r2(whole.ratio.median)}×`, pass: whole.ratio.median <= TARGET_RATIO },
      { name: `the planner picks the fastest measured strategy (sweep points, ${CALIBRATE ? 'calibrated' : 'default'} constants)`, limit: `≥ ${TARGET_AGREEMENT * 100}%`, measured: `${Math.round(picked.exact * 100)}% of ${points.length}; its pick ${r2(picked.ratio.median)}× the fastest's time at the median, ${r2(picked.ratio.max)}× at worst`, pass: picked.exact >= TARGET_AGREEMENT },
      { name: 'dlc plan broadcasts at 2 workers and not where the workers outnumber the size ratio (A+B = 5 units of B, default constants)', limit: 'broadcast at 2; not at 6, 8', measured: cross.map((c) => `${c.workers}: ${c.defaults}`).join(', '), pass: broadcastAt2?.defaults === 'broadcast' && beyond.every((c) => c.defaults !== 'broadcast') },
    ];
    const wholeTable = {
      title: `Whole pipeline: dlc run against DuckDB, ${WORKERS} workers / threads (ms, process spawn to exit)`,
      note: `${ROUNDS} rounds after ${WARMUP} warm-up, alternating which runs first. Both read the same three Parquet files and write the same Parquet output; DuckDB fsyncs its file as dlc's export does. Output: ${same.rows} rows, columns ${same.columns.join(', ')}, checked equal (count, names, per-column sums) in the first round. Peak resident memory over all rounds: dlc ${gib(raw.peak.dlc)} GiB, DuckDB ${gib(raw.peak.duck)} GiB.${usageNote(raw.usage)}`,
      columns: ['', 'median', 'min', 'p25', 'p75', 'max'],
      rows: [
        ['dlc run', ms1(whole.dlc.median), ms1(whole.dlc.min), ms1(whole.dlc.p25), ms1(whole.dlc.p75), ms1(whole.dlc.max)],
        ['DuckDB', ms1(whole.duck.median), ms1(whole.duck.min), ms1(whole.duck.p25), ms1(whole.duck.p75), ms1(whole.duck.max)],
        ['ratio dlc / DuckDB', `${r2(whole.ratio.median)}×`, `${r2(whole.ratio.min)}×`, `${r2(whole.ratio.p25)}×`, `${r2(whole.ratio.p75)}×`, `${r2(whole.ratio.max)}×`],
      ],
    };
    const j1 = raw.last.joins.join1;
    const j2 = raw.last.joins.join2;
    const partsTable = {
      title: 'Where the time goes (median ms over the measured rounds, from the run\'s events)',
      note: 'dlc: start-up is process start to the run\'s first event plus the exit after its last (Node, loading the CLI, compiling and planning the spec: reading the Parquet footers and sampling the key columns); read, each join and the export are their nodes\' node_finished seconds. DuckDB: opening the database, the query (reading, both joins, writing), the fsync, and the rest of its process.',
      columns: ['part', 'dlc', 'DuckDB'],
      rows: [
        ['start-up and planning', ms1(part('startup')), `${ms1(duckPart('openMs'))} (open the database)`],
        ['read the three sources', ms1(part('read')), `${ms1(duckPart('queryMs'))} (the whole query)`],
        [`join 1, facts ⋈ users (${raw.last.strategies.join1})`, ms1(part('join1')), ''],
        [`join 2, ⋈ dimension (${raw.last.strategies.join2})`, ms1(part('join2')), ''],
        ['export (Parquet, fsync)', ms1(part('export')), `${ms1(duckPart('fsyncMs'))} (fsync)`],
        ['other', ms1(part('other')), ms1(summarize(raw.duckParts.map((p) => p.ms - p.openMs - p.queryMs - p.fsyncMs)).median)],
      ],
    };
    const joinsTable = {
      title: 'The two joins of the last measured round (from node_finished.join)',
      columns: ['join', 'strategy (chosen by)', 'build side', 'rows left x right → out', 'phases (ms)', 'bytes moved (MB)', 'plan checked against the real sizes'],
      rows: [['facts ⋈ users', j1], ['⋈ dimension', j2]].map(([name, j]) => [
        name,
        `${j.strategy} (${j.chosen_by})`,
        j.build_side,
        `${j.rows.left} x ${j.rows.right} → ${j.rows.output}`,
        j.phases.map((p) => `${p.name} ${ms1(p.ms)}`).join('; '),
        mb(j.bytes_moved),
        j.check ? `${j.check.agrees ? 'agrees' : '**differs**'}: ${j.check.note}` : '',
      ]),
    };
    const sweepTable = {
      title: `Sweep: ${SWEEP_ROWS}-row left side against smaller right sides, runJoin in memory (median ms of ${SWEEP_ROUNDS} rounds after 1 warm-up)`,
      note: `Each round runs every strategy once, the order rotated from round to round. "planned" is what \`dlc plan --workers N --json\` picks for the point's Parquet files with ${constantsFrom}; "defaults" the same with the default constants. "planned / fastest" is the planned strategy's time over the fastest's.`,
      columns: ['right rows', 'left/right', 'workers', ...MOVABLE, 'fastest', 'planned', 'planned / fastest', 'defaults'],
      rows: points.map((p) => [p.rightRows, p.ratio, p.workers, ...MOVABLE.map((s) => ms1(p.medians[s])), p.fastest, p.planned, `${r2(p.medians[p.planned] / p.medians[p.fastest])}×`, p.plannedDefault]),
    };
    const crossTable = {
      title: `Crossover: dlc plan of A = ${CROSSOVER_ROWS} rows against B = ${CROSSOVER_ROWS / 4} rows of the same width (A+B = 5 units of B)`,
      columns: ['workers', 'default constants', CALIBRATE ? 'calibrated' : 'calibrated (not run)'],
      rows: cross.map((c) => [c.workers, c.defaults, c.calibrated]),
    };
    const calTable = calibration && {
      title: 'This machine\'s constants (dlc calibrate)',
      columns: ['constant', 'value', 'how'],
      rows: Object.entries(calibration.constants).map(([k, v]) => [k, k.endsWith('_per_s') && k !== 'train_flops_per_s' ? `${mb(v)} MB/s` : String(Math.round(v)), calibration.details[k] ?? '']),
    };
    const handoffTable = {
      title: 'Workers: threads or processes? Handing a worker 64 MiB and having it read every cache line (ms)',
      columns: ['worker', 'median', 'min', 'max', 'MB/s (median)'],
      rows: [
        ['worker thread, SharedArrayBuffer (shared, not copied)', ms1(handoff.threadMs.median), ms1(handoff.threadMs.min), ms1(handoff.threadMs.max), Math.round(handoff.threadMBps)],
        ['child process, IPC (advanced serialization, copied)', ms1(handoff.processMs.median), ms1(handoff.processMs.min), ms1(handoff.processMs.max), Math.round(handoff.processMBps)],
      ],
    };
    const best = head.length ? head.filter((h) => h.strategy !== 'colocated').reduce((a, b) => (b.ratio.median < a.ratio.median ? b : a)) : null;
    return {
      title: 'Joins: dlc run against DuckDB, and the planner\'s strategy against the fastest measured',
      description: `A two-join pipeline through the whole \`dlc run\` (Parquet sources, joins, Parquet export) against DuckDB (@duckdb/node-api ${duckVersion(root)}) running the same query on the same files with the same threads; runJoin against DuckDB in memory; and a sweep of size ratios and worker counts comparing the strategy the planner picks with the fastest measured. The planner used ${constantsFrom}.`,
      options: {
        BENCH_JOIN_LEFT: LEFT, BENCH_JOIN_RIGHT: RIGHT, BENCH_ROUNDS: ROUNDS, BENCH_WARMUP: WARMUP, BENCH_WORKERS: WORKERS, BENCH_JOIN_CALIBRATE: CALIBRATE ? 1 : 0, BENCH_JOIN_IN_MEMORY: IN_MEMORY ? 1 : 0, BENCH_JOIN_MEMORY_ROUNDS: MEMORY_ROUNDS,
        BENCH_SWEEP_ROWS: SWEEP_ROWS, BENCH_SWEEP_RATIOS: SWEEP_RATIOS.join(','), BENCH_SWEEP_WORKERS: SWEEP_WORKERS.join(','), BENCH_SWEEP_ROUNDS: SWEEP_ROUNDS, BENCH_CROSSOVER_ROWS: CROSSOVER_ROWS,
      },
      targets,
      tables: [wholeTable, partsTable, joinsTable, ...(head.length ? inMemoryTables(head, LEFT, RIGHT, WORKERS, MEMORY_ROUNDS) : []), sweepTable, crossTable, ...(calTable ? [calTable] : []), handoffTable],
      notes: [
        ...(LEFT !== 10_000_000 || RIGHT !== 2_500_000 || SWEEP_ROWS !== 2_000_000 ? [`Reduced sizes. The full-size run of BENCHMARKS.md: \`BENCH_JOIN_LEFT=10000000 BENCH_JOIN_RIGHT=2500000 BENCH_ROUNDS=5 BENCH_WARMUP=1 BENCH_WORKERS=${WORKERS} BENCH_SWEEP_ROWS=2000000 BENCH_SWEEP_ROUNDS=3 npm run bench -- join\` (every option at its default).`] : []),
        `Whole pipeline: dlc ${ms1(whole.dlc.median)} ms against DuckDB's ${ms1(whole.duck.median)} ms, ${r2(whole.ratio.median)}× (p25–p75 ${r2(whole.ratio.p25)}–${r2(whole.ratio.p75)}×); first (warm-up) round ${ms1(raw.cold.dlc)} against ${ms1(raw.cold.duck)} ms.`,
        ...(points.length < 3 ? [`This run cut the strategy sweep to ${points.length} point(s) to measure the whole run on a quiet machine; so few points say little about the planner. The full sweep (15 points: 2,000,000 rows, ratios 1–256, 1/2/4 workers) last ran at commit 945b628: the planner picked the fastest measured strategy at 93% of points, and at worst took 1.11× the fastest time (\`git show 945b628:bench/results/join.md\`).`] : []),
        `Planner against the fastest measured: ${Math.round(picked.exact * 100)}% exact picks, ${Math.round(picked.within5 * 100)}% within 5% of the fastest's time, median ${r2(picked.ratio.median)}×, worst ${r2(picked.ratio.max)}×; with the default constants ${Math.round(pickedDefault.exact * 100)}% exact, worst ${r2(pickedDefault.ratio.max)}×.`,
        ...(best ? [`In memory, best strategy ${best.strategy}: ${ms1(best.dlc.median)} ms against DuckDB's ${ms1(best.duck.median)} ms, ${r2(best.ratio.median)}×.`] : []),
        `Worker threads read partitions in place; a child process was sent them at ${Math.round(handoff.processMBps)} MB/s, against ${Math.round(handoff.threadMBps)} MB/s for a thread reading shared memory.`,
      ],
      figures: { whole, raw, same, head, sweep: points, agreement: { planned: picked, defaults: pickedDefault }, crossover: cross, calibration, handoff },
    };
  } finally {
    conn.closeSync();
  }
}

/** runJoin against DuckDB with both sides' rows already in memory, every strategy (the join alone). */
async function inMemory({ conn, dlc, files, log }) {
  const node = (strategy) => ({ id: 'bench', kind: 'step', op: 'join', inputs: [], outputs: {}, config: { op: 'join', on: 'k', how: 'inner', strategy, bloom_filter: false } });
  const ctx = { seed: 1, workDir: tmpdir(), workers: WORKERS };
  await conn.run(`CREATE OR REPLACE TABLE l AS SELECT id, k, v FROM read_parquet('${files.left}')`);
  await conn.run(`CREATE OR REPLACE TABLE r AS SELECT * FROM read_parquet('${files.right}')`);
  const left = await arrowOf(conn, 'SELECT * FROM l');
  const right = await arrowOf(conn, 'SELECT * FROM r');
  const parts = WORKERS * 4;
  const colocated = [dlc.partitionByKeyHash(left, ['k'], parts), dlc.partitionByKeyHash(right, ['k'], parts)];
  await conn.run(`SET threads = ${WORKERS}`);
  const raw = Object.fromEntries(STRATEGIES.map((s) => [s, { dlc: [], duck: [], stats: null }]));
  for (let round = 0; round < 1 + MEMORY_ROUNDS; round++) {
    for (const [i, strategy] of STRATEGIES.entries()) {
      const [l, r] = strategy === 'colocated' ? colocated : [left, right];
      const timeDlc = async () => {
        const t = performance.now();
        const res = await dlc.runJoinWithStats(node(strategy), l, r, ctx);
        return { ms: performance.now() - t, res };
      };
      const timeDuck = async () => {
        const t = performance.now();
        await conn.run(`CREATE OR REPLACE TEMP TABLE out AS ${IN_MEMORY_SQL}`);
        return performance.now() - t;
      };
      let mine;
      let theirs;
      if ((round + i) % 2 === 0) {
        theirs = await timeDuck();
        mine = await timeDlc();
      } else {
        mine = await timeDlc();
        theirs = await timeDuck();
      }
      if (round === 0) {
        const a = checksum(mine.res.table);
        const b = await duckChecksum(conn, 'out');
        if (JSON.stringify(a) !== JSON.stringify(b)) throw new Error(`${strategy} gave ${JSON.stringify(a)}, DuckDB ${JSON.stringify(b)}`);
      } else {
        raw[strategy].dlc.push(mine.ms);
        raw[strategy].duck.push(theirs);
        raw[strategy].stats = mine.res.stats;
      }
    }
    log(`in memory ${round + 1}/${1 + MEMORY_ROUNDS}${round === 0 ? ' (warm-up)' : ''}`);
  }
  await conn.run('DROP TABLE IF EXISTS out');
  await conn.run('DROP TABLE IF EXISTS l');
  await conn.run('DROP TABLE IF EXISTS r');
  return STRATEGIES.map((s) => {
    const x = raw[s];
    return { strategy: s, dlc: summarize(x.dlc), duck: summarize(x.duck), ratio: summarize(x.dlc.map((m, k) => m / x.duck[k])), raw: { dlc: x.dlc, duck: x.duck }, stats: x.stats };
  });
}

function inMemoryTables(head, left, right, workers, rounds) {
  return [
    {
      title: `In memory: runJoin against DuckDB, inner join of ${left} x ${right} rows, ${workers} workers / threads (ms)`,
      note: `${rounds} rounds after 1 warm-up; each round runs DuckDB (\`CREATE OR REPLACE TEMP TABLE out AS ${IN_MEMORY_SQL}\`) and runJoin back to back for each strategy, alternating which goes first; "ratio" is the median of the per-round ratios. Both start from their rows in memory and end with the whole result materialized; checked equal (count, sum(id), sum(w)) in the warm-up round. colocated joins inputs already split by key hash (not timed).`,
      columns: ['strategy', 'runJoin median', 'p25', 'p75', 'DuckDB median', 'ratio (median)', 'ratio p25–p75', 'bytes moved (MB)', 'partitions'],
      rows: head.map((h) => [h.strategy, ms1(h.dlc.median), ms1(h.dlc.p25), ms1(h.dlc.p75), ms1(h.duck.median), `${r2(h.ratio.median)}×`, `${r2(h.ratio.p25)}–${r2(h.ratio.p75)}×`, mb(h.stats?.bytesMoved ?? 0), h.stats?.partitions ?? '']),
    },
    {
      title: 'In memory: where the time goes (last measured round, ms)',
      columns: ['strategy', 'phases', 'bytes moved by cause (MB)'],
      rows: head.map((h) => [h.strategy, (h.stats?.phases ?? []).map((p) => `${p.name} ${ms1(p.ms)}`).join('; '), Object.entries(h.stats?.bytesMovedBy ?? {}).map(([k, v]) => `${k} ${mb(v)}`).join('; ') || 'none']),
    },
  ];
}
