// `dlc lint` and `dlc --help` start-up: whole-process wall time, side by side with `node -e 0`.
//
// A generated 500-step spec (bench/lib/gen-spec.mjs) must lint clean; then, interleaved over BENCH_ROUNDS
// rounds after BENCH_WARMUP discarded ones, each round runs `node -e 0` and the command under test back to
// back, for `--help`, the 500-step lint and the lint of every example in specs/. Reported: medians with the
// spread, and the median of the per-round ratios. Then where the time goes: the modules each command loads,
// and each compiler phase on the 500-step spec (bench/lib/phase-times.mjs, in fresh processes).
import { mkdtempSync, readdirSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { generateSpec } from './lib/gen-spec.mjs';
import { interleaved, ms1, quantile, r2, summarize, timeNode } from './lib/measure.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2);
const STEPS = Number(process.env.BENCH_STEPS ?? 500);
const PHASE_RUNS = 5;
const PARSE = '1 parse (values + locations)';

// From the issue (ratios to `node -e 0`, measured side by side) and from BENCHMARKS.md (absolute medians).
const TARGETS = { lintRatio: 5, helpRatio: 2.5, lintMs: 300, helpMs: 150 };
const HEAVY = ['@tensorflow/', 'ink/', 'react/', '@duckdb/', 'bullmq/', 'ts-morph/'];

export async function run({ root, log }) {
  if (ROUNDS < 15 || WARMUP < 2) throw new Error(`BENCH_ROUNDS must be ≥ 15 and BENCH_WARMUP ≥ 2 (got ${ROUNDS}, ${WARMUP})`);
  const cli = join(root, 'dist', 'cli', 'main.js');
  if (!existsSync(cli)) throw new Error('dist/cli/main.js is missing: build first (node scripts/build.mjs), or run through npm run bench');
  const env = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '' };
  const dir = mkdtempSync(join(tmpdir(), 'dlc-bench-lint-'));
  try {
    const gen = generateSpec(dir, STEPS);
    log(`generated ${gen.steps} steps (${Object.entries(gen.ops).map(([k, v]) => `${v} ${k}`).join(', ')}), ${(gen.bytes / 1024).toFixed(0)} KiB: ${gen.file}`);

    // The spec must be valid: exit 0 and not one diagnostic.
    const check = timeNode([cli, 'lint', gen.file, '--format', 'json'], { cwd: root, env });
    const diagnostics = check.status === 0 ? JSON.parse(check.stdout).diagnostics : undefined;
    if (check.status !== 0 || diagnostics.length !== 0) {
      throw new Error(`the generated spec does not lint clean (exit ${check.status}):\n${check.stdout}${check.stderr}`);
    }

    const examples = readdirSync(join(root, 'specs')).filter((f) => /\.ya?ml$/.test(f)).sort();
    const baseline = { label: 'node -e 0', args: ['-e', '0'] };
    const mustExit0 = (what) => (r, side) => {
      if (r.status !== 0) throw new Error(`${side === 'a' ? baseline.label : what} exited ${r.status ?? r.signal}:\n${r.stdout}${r.stderr}`);
    };
    const comparisons = [
      { name: 'help', a: baseline, b: { label: 'dlc --help', args: [cli, '--help'] }, check: mustExit0('dlc --help') },
      { name: `lint-${STEPS}`, a: baseline, b: { label: `dlc lint <${STEPS}-step spec>`, args: [cli, 'lint', gen.file] }, check: mustExit0(`dlc lint <${STEPS}-step spec>`) },
      ...examples.map((f) => ({ name: `lint-${f}`, a: baseline, b: { label: `dlc lint specs/${f}`, args: [cli, 'lint', `specs/${f}`] }, check: mustExit0(`dlc lint specs/${f}`) })),
    ];
    log(`${comparisons.length} comparisons, ${WARMUP} warm-up + ${ROUNDS} rounds, interleaved`);
    const results = interleaved(comparisons, { rounds: ROUNDS, warmup: WARMUP, cwd: root, env, log });
    const byName = Object.fromEntries(results.map((r) => [r.name, r]));
    const help = byName.help;
    const lint = byName[`lint-${STEPS}`];

    log('modules loaded');
    const modules = {
      help: loadedModules(root, [cli, '--help'], env, dir, 'help'),
      lint: loadedModules(root, [cli, 'lint', gen.file], env, dir, 'lint'),
    };

    log(`compiler phases, ${PHASE_RUNS} fresh processes`);
    const phases = phaseTimes(root, gen.file, env);

    const targets = [
      { name: `lint ${STEPS} steps / node -e 0 (median of per-round ratios)`, limit: `≤ ${TARGETS.lintRatio}×`, measured: `${r2(lint.ratio.median)}×`, pass: lint.ratio.median <= TARGETS.lintRatio },
      { name: 'dlc --help / node -e 0 (median of per-round ratios)', limit: `≤ ${TARGETS.helpRatio}×`, measured: `${r2(help.ratio.median)}×`, pass: help.ratio.median <= TARGETS.helpRatio },
      { name: `lint ${STEPS} steps, median wall time (BENCHMARKS.md)`, limit: `≤ ${TARGETS.lintMs} ms`, measured: `${ms1(lint.b.ms.median)} ms`, pass: lint.b.ms.median <= TARGETS.lintMs },
      { name: 'dlc --help, median wall time (BENCHMARKS.md)', limit: `≤ ${TARGETS.helpMs} ms`, measured: `${ms1(help.b.ms.median)} ms`, pass: help.b.ms.median <= TARGETS.helpMs },
    ];
    const baselineAll = summarize(results.flatMap((r) => r.a.raw));

    const timeTable = {
      title: 'Whole-process wall time (ms), each command interleaved with `node -e 0`',
      note: `${ROUNDS} rounds after ${WARMUP} warm-ups; every round runs \`node -e 0\` then the command, for each row in turn. "ratio" is the median of the per-round ratios command / \`node -e 0\`, with its p25–p75. \`node -e 0\` over all rows: median ${ms1(baselineAll.median)} ms (min ${ms1(baselineAll.min)}, p25 ${ms1(baselineAll.p25)}, p75 ${ms1(baselineAll.p75)}, max ${ms1(baselineAll.max)}).`,
      columns: ['command', 'median', 'min', 'p25', 'p75', 'max', '`node -e 0` median', 'ratio (median)', 'ratio p25–p75'],
      rows: results.map((r) => [r.b.label, ms1(r.b.ms.median), ms1(r.b.ms.min), ms1(r.b.ms.p25), ms1(r.b.ms.p75), ms1(r.b.ms.max), ms1(r.a.ms.median), `${r2(r.ratio.median)}×`, `${r2(r.ratio.p25)}–${r2(r.ratio.p75)}×`]),
    };
    const phaseTable = {
      title: `Where the time goes: \`dlc lint\` of the ${STEPS}-step spec, in-process (ms, median of ${PHASE_RUNS} fresh processes)`,
      note: 'Module groups are loaded in the order the CLI loads them, so each row is what that group adds. "cold" is the first compile in the process (what `dlc lint` pays); "warm" is the median of 5 more compiles in the same process (the code already optimized by the JIT).',
      columns: ['part', 'cold', 'warm'],
      rows: [
        ['node start-up, to the first line of the script', ms1(phases.bootMs), ''],
        ...phases.loads.map((l) => [`load ${l.name}`, ms1(l.ms), '']),
        ...Object.keys(phases.cold).map((k) => [k, ms1(phases.cold[k]), ms1(phases.warm[k])]),
        ['compile total', ms1(phases.coldTotal), ms1(phases.warmTotal)],
        [`for comparison: the yaml library alone on the same text (parseAllDocuments, what phase 1 falls back to; separate processes; its load: ${ms1(phases.yaml.load)} ms)`, ms1(phases.yaml.cold), ms1(phases.yaml.warm)],
        ['of phase 4: require() of the data inspector, runtime/data/inspect/index.js (separate processes)', ms1(phases.inspectorLoad.all), ''],
        ['… of which not needed for CSV (only inspect/csv.js: ' + ms1(phases.inspectorLoad.csvOnly) + ' ms)', ms1(phases.inspectorLoad.all - phases.inspectorLoad.csvOnly), ''],
      ],
    };
    const loadTotal = phases.loads.reduce((a, l) => a + l.ms, 0);
    const notes = [
      `\`dlc lint\` of ${STEPS} steps: ${ms1(lint.b.ms.median)} ms median, of which Node's own start-up is about ${ms1(lint.a.ms.median)} ms (\`node -e 0\`), loading the CLI's modules about ${ms1(loadTotal)} ms (${modules.lint.total} modules, ${modules.lint.packages.find(([p]) => p === 'yaml')?.[1] ?? 0} of them the yaml package), and the first compile about ${ms1(phases.coldTotal)} ms.`,
      `Of that compile, phase 1 (parse) is ${ms1(phases.cold[PARSE])} ms cold (${Math.round((100 * phases.cold[PARSE]) / phases.coldTotal)}%), read by the ${phases.readBy === 'common subset' ? 'common-subset composer (compiler/phases/1-parse/common-subset.ts), without loading the yaml library' : 'yaml library (the spec is outside the common subset)'}; the yaml library would take ${ms1(phases.yaml.load)} ms to load and ${ms1(phases.yaml.cold)} ms cold (${ms1(phases.yaml.warm)} ms warm) to parse this text. The same compile takes ${ms1(phases.warmTotal)} ms once warm.`,
      `The ${TARGETS.lintMs} ms / ${TARGETS.lintRatio}× budget leaves about ${ms1(Math.min(TARGETS.lintMs, TARGETS.lintRatio * lint.a.ms.median) - lint.a.ms.median - loadTotal)} ms for the compile after start-up and loading, here.`,
    ];
    const moduleTable = {
      title: 'Modules loaded',
      columns: ['command', 'modules', 'of them in dist/', 'packages from node_modules (modules)', 'heavy packages'],
      rows: Object.entries(modules).map(([k, m]) => [k === 'help' ? 'dlc --help' : `dlc lint <${STEPS}-step spec>`, m.total, m.dist, m.packages.map(([p, n]) => `${p} (${n})`).join(', ') || 'none', m.heavy.join(', ') || 'none']),
    };

    return {
      title: '`dlc lint` and `dlc --help` start-up',
      description: `Whole-process wall time of \`dlc lint\` on a generated ${STEPS}-step spec and on the examples, and of \`dlc --help\`, each measured side by side with \`node -e 0\`.`,
      options: { BENCH_ROUNDS: ROUNDS, BENCH_WARMUP: WARMUP, BENCH_STEPS: STEPS },
      spec: { steps: gen.steps, ops: gen.ops, bytes: gen.bytes, generator: 'bench/lib/gen-spec.mjs' },
      targets,
      tables: [timeTable, phaseTable, moduleTable],
      notes,
      figures: { baseline: baselineAll, comparisons: results, modules, phases },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The modules a command loads, through the recorder the lazy-loading test uses. */
function loadedModules(root, args, env, dir, tag) {
  const out = join(dir, `modules-${tag}.txt`);
  const hook = pathToFileURL(join(root, 'tests', 'fixtures', 'record-modules.mjs')).href;
  const r = timeNode(['--import', hook, ...args], { cwd: root, env: { ...env, DLC_RECORD_MODULES: out } });
  if (r.status !== 0) throw new Error(`recording modules of ${args.join(' ')} failed:\n${r.stderr}`);
  const urls = [...new Set(readFileSync(out, 'utf8').split('\n').filter((u) => u && !u.startsWith('node:') && u !== hook))];
  const packages = new Map();
  for (const u of urls) {
    const m = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(u);
    if (m) packages.set(m[1], (packages.get(m[1]) ?? 0) + 1);
  }
  return {
    total: urls.length,
    dist: urls.filter((u) => u.includes('/dist/')).length,
    packages: [...packages].sort((a, b) => b[1] - a[1]),
    heavy: [...packages.keys()].filter((p) => HEAVY.some((h) => `${p}/`.startsWith(h))),
  };
}

/** Median over fresh processes of bench/lib/phase-times.mjs. */
function phaseTimes(root, file, env) {
  const runs = [];
  for (let i = 0; i < PHASE_RUNS; i++) {
    const r = timeNode([join(root, 'bench', 'lib', 'phase-times.mjs'), file], { cwd: root, env });
    if (r.status !== 0) throw new Error(`phase-times failed:\n${r.stderr}`);
    runs.push(JSON.parse(r.stdout));
  }
  // The YAML library on its own, and the data inspector's load with and without its other readers.
  const narrow = (args) => {
    const out = [];
    for (let i = 0; i < PHASE_RUNS; i++) {
      const r = timeNode([join(root, 'bench', 'lib', 'phase-times.mjs'), ...args], { cwd: root, env });
      if (r.status !== 0) throw new Error(`phase-times ${args.join(' ')} failed:\n${r.stderr}`);
      out.push(JSON.parse(r.stdout));
    }
    return out;
  };
  const yamlRuns = narrow(['--yaml-only', file]);
  const inspectorRuns = narrow(['--require', 'runtime/data/inspect/index.js']);
  const csvRuns = narrow(['--require', 'runtime/data/inspect/csv.js']);
  const med = (f, xs = runs) => quantile(xs.map(f), 0.5);
  const keys = Object.keys(runs[0].cold);
  const cold = Object.fromEntries(keys.map((k) => [k, med((x) => x.cold[k])]));
  const warm = Object.fromEntries(keys.map((k) => [k, med((x) => x.warm[k])]));
  return {
    bootMs: med((x) => x.bootMs),
    loads: runs[0].loads.map((l, i) => ({ name: l.name, ms: med((x) => x.loads[i].ms) })),
    cold,
    warm,
    coldTotal: med((x) => Object.values(x.cold).reduce((a, b) => a + b, 0)),
    warmTotal: med((x) => Object.values(x.warm).reduce((a, b) => a + b, 0)),
    yaml: { load: med((x) => x.loadMs, yamlRuns), cold: med((x) => x.cold, yamlRuns), warm: med((x) => x.warm, yamlRuns) },
    readBy: runs[0].readBy,
    inspectorLoad: { all: med((x) => x.ms, inspectorRuns), csvOnly: med((x) => x.ms, csvRuns) },
    runs,
  };
}
