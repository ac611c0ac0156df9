#!/usr/bin/env node
// Where a process's CPU time went, from a V8 .cpuprofile (node --cpu-prof): self time by function and by
// where the code lives (the wasm kernels, tfjs-core, tfjs-layers, dlc's own modules, Node, garbage
// collection, idle). With a time window, only samples inside it count (e.g. the training units only).
//
//   node bench/lib/cpu-profile.mjs PROFILE [--top 25] [--from MS --to MS] [--within FUNCTION] [--json]
//
// --within trainUnit counts only samples taken inside dlc's training passes (their stacks hold trainUnit),
// which sets the passes' CPU time apart from start-up, data loading, checkpoints and waiting.
//
// Worker processes of `dlc run` get profiled with NODE_OPTIONS="--cpu-prof --cpu-prof-dir=DIR" (the pool
// passes the environment on); the worker's profile is the one whose samples include runtime/worker/main.js.
import { readFileSync } from 'node:fs';

export function summarizeProfile(profile, { from, to, within } = {}) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  // With `within`, only samples whose stack holds a frame of that name count (e.g. trainUnit: the passes).
  const inside = new Set();
  if (within !== undefined) {
    const mark = (node, on) => {
      const here = on || node.callFrame.functionName === within;
      if (here) inside.add(node.id);
      for (const c of node.children ?? []) mark(byId.get(c), here);
    };
    mark(profile.nodes[0], false);
  }
  const self = new Map();
  const { samples, timeDeltas } = profile;
  let t = profile.startTime;
  const start = profile.startTime;
  for (let i = 0; i < samples.length; i++) {
    t += timeDeltas[i] ?? 0;
    const next = i + 1 < timeDeltas.length ? timeDeltas[i + 1] : 0;
    const ms = (t - start) / 1000;
    if ((from !== undefined && ms < from) || (to !== undefined && ms > to)) continue;
    if (within !== undefined && !inside.has(samples[i])) continue;
    self.set(samples[i], (self.get(samples[i]) ?? 0) + Math.max(0, next) / 1000);
  }
  const functions = new Map();
  const places = new Map();
  let total = 0;
  for (const [id, ms] of self) {
    const node = byId.get(id);
    const f = node.callFrame;
    const name = f.functionName || '(anonymous)';
    const place = placeOf(f.url, name);
    const key = `${name} ${shortUrl(f.url)}:${f.lineNumber + 1}`;
    functions.set(key, { name, place, url: shortUrl(f.url), line: f.lineNumber + 1, ms: (functions.get(key)?.ms ?? 0) + ms });
    places.set(place, (places.get(place) ?? 0) + ms);
    total += ms;
  }
  return {
    totalMs: total,
    durationMs: (profile.endTime - profile.startTime) / 1000,
    places: [...places.entries()].map(([place, ms]) => ({ place, ms, share: ms / total })).sort((a, b) => b.ms - a.ms),
    functions: [...functions.values()].map((f) => ({ ...f, share: f.ms / total })).sort((a, b) => b.ms - a.ms),
  };
}

function shortUrl(url) {
  if (!url) return '';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) return url.slice(nm + 'node_modules/'.length);
  const dist = url.indexOf('/dist/');
  if (dist >= 0) return url.slice(dist + 1);
  return url.replace(/^file:\/\//, '');
}

function placeOf(url, name) {
  if (name === '(idle)') return 'idle';
  if (name === '(garbage collector)') return 'garbage collection';
  if (name === '(program)') return 'V8/Node (program)';
  if (url.startsWith('wasm://') || /^\$?wasm-function/.test(name)) return 'wasm kernels';
  if (url.includes('tfjs-backend-wasm')) return 'tfjs-backend-wasm (JS)';
  if (url.includes('tfjs-core')) return 'tfjs-core';
  if (url.includes('tfjs-layers')) return 'tfjs-layers';
  if (url.includes('apache-arrow')) return 'apache-arrow';
  if (url.includes('/dist/runtime/')) return `dlc ${url.slice(url.indexOf('/dist/runtime/') + '/dist/'.length).split('/').slice(0, 2).join('/')}`;
  if (url.includes('/dist/')) return 'dlc (other)';
  if (url.includes('/bench/')) return 'benchmark script';
  if (url.startsWith('node:') || url === '') return 'Node';
  return 'other';
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const file = args.find((a) => !a.startsWith('--') && !/^\d+$/.test(a));
  const opt = (name) => {
    const i = args.indexOf(name);
    return i >= 0 ? Number(args[i + 1]) : undefined;
  };
  if (!file) {
    process.stderr.write('usage: node bench/lib/cpu-profile.mjs PROFILE [--top N] [--from MS --to MS] [--within FUNCTION] [--json]\n');
    process.exit(2);
  }
  const w = args.indexOf('--within');
  const s = summarizeProfile(JSON.parse(readFileSync(file, 'utf8')), { from: opt('--from'), to: opt('--to'), ...(w >= 0 ? { within: args[w + 1] } : {}) });
  if (args.includes('--json')) {
    process.stdout.write(`${JSON.stringify(s, null, 2)}\n`);
  } else {
    const top = opt('--top') ?? 25;
    const p = (x) => `${(x * 100).toFixed(1)}%`.padStart(6);
    process.stdout.write(`${file}: ${(s.totalMs / 1000).toFixed(2)} s sampled of ${(s.durationMs / 1000).toFixed(2)} s\n\nby place:\n`);
    for (const x of s.places) process.stdout.write(`  ${p(x.share)} ${(x.ms / 1000).toFixed(2).padStart(7)} s  ${x.place}\n`);
    process.stdout.write(`\ntop ${top} functions by self time:\n`);
    for (const f of s.functions.slice(0, top)) process.stdout.write(`  ${p(f.share)} ${(f.ms / 1000).toFixed(2).padStart(7)} s  ${f.name}  ${f.url}:${f.line}\n`);
  }
}
