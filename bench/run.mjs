#!/usr/bin/env node
// The benchmark harness. Every `bench/<name>.bench.mjs` is a benchmark: it exports
// `async function run({ root, resultsDir, log })` and returns a result (see bench/README.md). The harness
// runs the chosen ones in turn and writes bench/results/<name>.json (the machine, the date, the command that
// reproduces it and every figure) and bench/results/<name>.md (the same as Markdown tables).
//
//   npm run bench                 # build, then every benchmark
//   npm run bench -- lint         # build, then one (names are file names without .bench.mjs)
//   node bench/run.mjs --list     # the benchmarks there are
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const benchDir = join(root, 'bench');
const resultsDir = join(benchDir, 'results');

const available = readdirSync(benchDir)
  .filter((f) => f.endsWith('.bench.mjs'))
  .map((f) => f.slice(0, -'.bench.mjs'.length))
  .sort();

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  process.stdout.write(`usage: node bench/run.mjs [--list] [NAME ...]\nbenchmarks: ${available.join(', ')}\nresults go to bench/results/<name>.{json,md}\n`);
  process.exit(0);
}
if (args.includes('--list')) {
  process.stdout.write(`${available.join('\n')}\n`);
  process.exit(0);
}
const unknown = args.filter((a) => !available.includes(a));
if (unknown.length) {
  process.stderr.write(`error: no benchmark named ${unknown.join(', ')}\n  benchmarks: ${available.join(', ')}\n`);
  process.exit(2);
}
const chosen = args.length ? args : available;

function machine() {
  let cpuModel = 'unknown';
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) cpuModel = m[1].trim();
  } catch {
    // not Linux: leave it unknown
  }
  let nproc = availableParallelism();
  try {
    nproc = Number(execFileSync('nproc', { encoding: 'utf8' }).trim()) || nproc;
  } catch {
    // no coreutils nproc: availableParallelism() is the same figure
  }
  return { nproc, cpuModel, memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10, node: process.version, platform: `${process.platform}-${process.arch}` };
}

function revision() {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() !== '';
    return `${commit}${dirty ? ' (with uncommitted changes)' : ''}`;
  } catch {
    return 'unknown';
  }
}

const round2 = (x) => Math.round(x * 100) / 100;
const cell = (v) => String(v ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ');

function markdownTable(t) {
  const lines = [];
  if (t.title) lines.push(`## ${t.title}`, '');
  if (t.note) lines.push(t.note, '');
  lines.push(`| ${t.columns.map(cell).join(' | ')} |`, `|${t.columns.map(() => '---').join('|')}|`);
  for (const row of t.rows) lines.push(`| ${row.map(cell).join(' | ')} |`);
  lines.push('');
  return lines.join('\n');
}

function markdown(name, record) {
  const m = record.machine;
  const out = [
    `# ${record.title ?? name}`,
    '',
    ...(record.description ? [record.description, ''] : []),
    `- machine: ${m.nproc} cores (nproc), ${m.cpuModel}, ${m.memoryGiB} GiB, ${m.platform}; 1-minute load average ${m.loadAverage1m.before} before, ${m.loadAverage1m.after} after`,
    `- node ${m.node}; dlc at ${record.revision}`,
    `- date: ${record.date}`,
    `- reproduce: \`${record.command}\``,
    '',
  ];
  if (record.targets?.length) {
    out.push(markdownTable({ title: 'Targets', columns: ['target', 'limit', 'measured', 'result'], rows: record.targets.map((t) => [t.name, t.limit, t.measured, t.pass ? 'pass' : '**FAIL**']) }));
  }
  for (const t of record.tables ?? []) out.push(markdownTable(t));
  if (record.notes?.length) out.push('## Notes', '', ...record.notes.map((n) => `- ${n}`), '');
  return `${out.join('\n').trimEnd()}\n`;
}

mkdirSync(resultsDir, { recursive: true });
let failed = 0;
const missed = [];
for (const name of chosen) {
  const log = (msg) => process.stderr.write(`[${name}] ${msg}\n`);
  log('running');
  const started = Date.now();
  // Other work on the machine shows in the figures; the load average before and after says how much there was.
  const loadBefore = loadavg()[0];
  let result;
  try {
    const mod = await import(pathToFileURL(join(benchDir, `${name}.bench.mjs`)).href);
    if (typeof mod.run !== 'function') throw new Error(`bench/${name}.bench.mjs exports no run() function`);
    result = await mod.run({ root, resultsDir, log });
  } catch (e) {
    failed++;
    log(`FAILED: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    continue;
  }
  const record = {
    benchmark: name,
    title: result.title ?? name,
    date: new Date().toISOString(),
    machine: { ...machine(), loadAverage1m: { before: round2(loadBefore), after: round2(loadavg()[0]) } },
    revision: revision(),
    // Options are environment variables (BENCH_ROUNDS=...), so the command that reproduces a result sets them.
    command: `${Object.entries(result.options ?? {}).map(([k, v]) => `${k}=${v} `).join('')}npm run bench -- ${name}`,
    seconds: Math.round((Date.now() - started) / 100) / 10,
    ...result,
  };
  writeFileSync(join(resultsDir, `${name}.json`), `${JSON.stringify(record, null, 2)}\n`);
  writeFileSync(join(resultsDir, `${name}.md`), markdown(name, record));
  for (const t of record.targets ?? []) {
    log(`${t.pass ? 'pass' : 'FAIL'}  ${t.name}: ${t.measured} (limit ${t.limit})`);
    if (!t.pass) missed.push(`${name}: ${t.name}`);
  }
  log(`done in ${record.seconds} s: bench/results/${name}.json, bench/results/${name}.md`);
}
if (missed.length) process.stderr.write(`targets missed:\n${missed.map((m) => `  ${m}`).join('\n')}\n`);
// A missed target is a finding, reported above; only a benchmark that could not run fails the command.
process.exit(failed > 0 ? 1 : 0);
