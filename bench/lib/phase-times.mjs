#!/usr/bin/env node
// Where `dlc lint` spends its time on one spec, in a fresh process: loading each group of modules in the
// order the CLI loads them, then each compiler phase on the first (cold) compile and on later (warm) ones.
// Prints one JSON object. Usage: node bench/lib/phase-times.mjs SPEC [--warm N]
//
// Two narrower modes, each in a process of its own so that nothing else has warmed the code up:
//   --yaml-only SPEC     only the YAML library's parseAllDocuments, as phase 1 calls it when a spec is outside
//                        the common subset it reads itself: load, cold and warm (for comparison)
//   --require MODULE     only the time to require() one module under dist/ (the CLI's host loads the
//                        data inspector this way), e.g. runtime/data/inspect/index.js
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

const root = join(import.meta.dirname, '..', '..');
const dist = (p) => pathToFileURL(join(root, 'dist', p)).href;

if (process.argv[2] === '--require') {
  const { createRequire } = await import('node:module');
  const t = performance.now();
  createRequire(import.meta.url)(join(root, 'dist', process.argv[3]));
  process.stdout.write(`${JSON.stringify({ module: process.argv[3], ms: performance.now() - t })}\n`);
  process.exit(0);
}
if (process.argv[2] === '--yaml-only') {
  const { readFileSync } = await import('node:fs');
  const t0 = performance.now();
  const { parseAllDocuments } = await import('yaml');
  const loadMs = performance.now() - t0;
  const text = readFileSync(process.argv[3], 'utf8');
  const once = () => {
    const t = performance.now();
    parseAllDocuments(text, { uniqueKeys: true, prettyErrors: false, strict: true, version: '1.2' });
    return performance.now() - t;
  };
  const cold = once();
  const warm = [once(), once(), once(), once(), once()].sort((a, b) => a - b)[2];
  process.stdout.write(`${JSON.stringify({ loadMs, cold, warm })}\n`);
  process.exit(0);
}
const file = process.argv[2];
const warmAt = process.argv.indexOf('--warm');
const warmRuns = warmAt > 0 ? Number(process.argv[warmAt + 1]) : 5;
if (!file) {
  console.error('usage: node bench/lib/phase-times.mjs SPEC [--warm N]');
  process.exit(2);
}

// Node's own start-up, up to the first line of this script.
const bootMs = performance.now();
const loads = [];
async function load(name, spec) {
  const t = performance.now();
  const mod = await import(spec);
  loads.push({ name, ms: performance.now() - t });
  return mod;
}

await load('cli entry (commands, help, version)', dist('cli/commands.js'));
await load('schema validator (generated) + ajv runtime', dist('compiler/phases/2-validate/schema-validator.generated.js'));
await load('compiler/schema (pipeline-schema)', dist('compiler/schema/pipeline-schema.js'));
await load('compiler/sql', dist('compiler/sql/index.js'));
const { compile } = await load('compiler (the rest)', dist('compiler/index.js'));
const { parse } = await import(dist('compiler/phases/1-parse/index.js'));
const { composeCommonSubset } = await import(dist('compiler/phases/1-parse/common-subset.js'));
const { expandIncludes } = await import(dist('compiler/phases/1-parse/includes.js'));
const { validate } = await import(dist('compiler/phases/2-validate/index.js'));
const { resolve } = await import(dist('compiler/phases/3-resolve/index.js'));
const { analyze } = await import(dist('compiler/phases/4-analyze/index.js'));
const { SourceFile } = await import(dist('compiler/source/source-file.js'));
await load('cli/lint + diagnostics output', dist('cli/lint.js'));
const { createNodeHost } = await import(dist('cli/node-host.js'));

/** One compile, phase by phase, as compiler/index.js chains them for `lint`. */
function phases() {
  const host = createNodeHost(process.env);
  const times = {};
  const time = (name, f) => {
    const t = performance.now();
    const r = f();
    times[name] = (times[name] ?? 0) + performance.now() - t;
    return r;
  };
  const text = time('read', () => host.readFile(file));
  const source = time('read', () => new SourceFile(file, text));
  const parsed = time('1 parse (values + locations)', () => parse(source));
  const doc = time('1 includes', () => expandIncludes(parsed, host));
  const schemaErrors = time('2 validate (schema)', () => validate(doc.value, doc.locations));
  const resolved = time('3 resolve', () => resolve(doc.value, doc.locations, host));
  // The first inspection also loads the data inspector (runtime/data/inspect), as the CLI's host does.
  const analyzed = time('4 analyze (incl. source inspection)', () => analyze(resolved.spec, doc.locations, resolved.references, host, 'lint'));
  const diagnostics = [...doc.diagnostics, ...schemaErrors, ...resolved.diagnostics, ...analyzed.diagnostics].length;
  return { times, diagnostics };
}

const cold = phases();
const warm = [];
for (let i = 0; i < warmRuns; i++) warm.push(phases().times);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const warmMedian = Object.fromEntries(Object.keys(cold.times).map((k) => [k, median(warm.map((w) => w[k]))]));
// Which reader phase 1 used: the common-subset composer, or the yaml library (loaded on first use).
const readBy = composeCommonSubset(new SourceFile(file, createNodeHost(process.env).readFile(file))) ? 'common subset' : 'yaml library';
// The whole compile() once more, for a cross-check of the sum.
const t = performance.now();
compile({ file, host: createNodeHost(process.env), mode: 'lint', cores: availableParallelism() });
const wholeWarm = performance.now() - t;

process.stdout.write(`${JSON.stringify({ bootMs, loads, cold: cold.times, warm: warmMedian, wholeWarmMs: wholeWarm, diagnostics: cold.diagnostics, readBy, totalMs: performance.now() })}\n`);
