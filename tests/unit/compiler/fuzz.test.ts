import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { compile, type CompilerHost } from '../../../compiler/index.js';
import { SourceFile } from '../../../compiler/source/source-file.js';
import { ROOT } from '../../helpers.js';

/**
 * Robustness: thousands of mutated and truncated specs never make the compiler throw or hang, and every
 * diagnostic it returns points at a valid range inside the file it names.
 */
const INPUTS = 10_000;
/** A hang detector, not a benchmark: a normal compile takes about a millisecond. */
const MAX_MS_PER_INPUT = 5_000;

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const seeds: string[] = [
  ...readdirSync(join(ROOT, 'specs')).filter((f) => f.endsWith('.yaml')).map((f) => readFileSync(join(ROOT, 'specs', f), 'utf8')),
  ...readdirSync(join(ROOT, 'golden-tests', 'invalid'))
    .filter((d) => !d.startsWith('_'))
    .slice(0, 20)
    .flatMap((d) => {
      try {
        return [readFileSync(join(ROOT, 'golden-tests', 'invalid', d, 'input.yaml'), 'utf8')];
      } catch {
        return [];
      }
    }),
];

const SCALARS = ['0', '-1', '1e309', '99999999999999999999999', '""', '~', 'null', 'true', '[]', '{}', "'${hp.x}'", '${vars.nope}', '${env.HOME}', '"\u202e\u0000é漢字🙂"', '&a x', '*a', '!!binary aGk=', '|', '>-', '? [a]', '${', '}'];

function mutate(text: string, r: () => number): string {
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)]!;
  const pos = () => Math.floor(r() * (text.length + 1));
  const lines = text.split('\n');
  const line = () => Math.floor(r() * lines.length);
  switch (Math.floor(r() * 10)) {
    case 0: // truncate
      return text.slice(0, pos());
    case 1: { // delete a range
      const a = pos();
      return text.slice(0, a) + text.slice(a + Math.floor(r() * 40));
    }
    case 2: { // swap a value's type
      const i = line();
      lines[i] = lines[i]!.replace(/:\s+.*$/, `: ${pick(SCALARS)}`);
      return lines.join('\n');
    }
    case 3: { // break indentation
      const i = line();
      lines[i] = r() < 0.5 ? lines[i]!.replace(/^\s+/, '') : `${' '.repeat(1 + Math.floor(r() * 5))}${lines[i]}`;
      return lines.join('\n');
    }
    case 4: { // insert junk
      const a = pos();
      return text.slice(0, a) + pick(SCALARS) + text.slice(a);
    }
    case 5: { // deep nesting
      const depth = 50 + Math.floor(r() * 400);
      const a = pos();
      return `${text.slice(0, a)}${'['.repeat(depth)}1${']'.repeat(r() < 0.5 ? depth : Math.floor(depth / 2))}${text.slice(a)}`;
    }
    case 6: { // duplicate a line
      const i = line();
      lines.splice(i, 0, lines[i]!);
      return lines.join('\n');
    }
    case 7: { // rename a key
      const i = line();
      lines[i] = lines[i]!.replace(/^(\s*)[a-z_]+:/, `$1${pick(['op', 'from', 'steps', 'x_y', 'filter', 'include', 'when', 'layers', '__proto__', 'constructor'])}:`);
      return lines.join('\n');
    }
    case 8: { // unicode and control characters
      const a = pos();
      return text.slice(0, a) + pick(['\t', '\r', '\u00a0', '\ufeff', 'é', '🙂', '\u0007', '"', "'", ':', '-', '#']) + text.slice(a);
    }
    default: { // shuffle two lines
      const i = line();
      const j = line();
      const t = lines[i]!;
      lines[i] = lines[j]!;
      lines[j] = t;
      return lines.join('\n');
    }
  }
}

test(`compiler survives ${INPUTS} mutated specs with valid ranges`, () => {
  const r = rng(20201);
  const file = '/fuzz/spec.yaml';
  let diagnosticsSeen = 0;
  for (let i = 0; i < INPUTS; i++) {
    let text = seeds[Math.floor(r() * seeds.length)]!;
    const rounds = 1 + Math.floor(r() * 4);
    for (let k = 0; k < rounds; k++) text = mutate(text, r);
    const files = new Map([[file, text]]);
    const host: CompilerHost = {
      readFile: (p) => files.get(p),
      fileExists: (p) => files.has(p),
      env: (n) => (n === 'HOME' ? '/home/fuzz' : undefined),
      inspectSource: () => ({ ok: false, problem: { kind: 'missing', file: '/fuzz/data', message: 'file not found: /fuzz/data' } }),
    };
    const started = Date.now();
    let result: ReturnType<typeof compile>;
    try {
      result = compile({ file, host, mode: i % 2 === 0 ? 'lint' : 'plan', cores: 2 });
    } catch (e) {
      assert.fail(`input ${i} made the compiler throw ${(e as Error).stack}\n--- input ---\n${text.slice(0, 2000)}`);
    }
    const ms = Date.now() - started;
    assert.ok(ms < MAX_MS_PER_INPUT, `input ${i} took ${ms} ms`);
    const diags = result.ok ? result.warnings : [...result.errors, ...result.warnings];
    const source = new SourceFile(file, text);
    for (const d of diags) {
      diagnosticsSeen++;
      assert.match(d.code, /^DLC\d{3}$/);
      assert.ok(d.message.length > 0);
      if (d.file !== file) continue;
      const { start, end } = d.range;
      assert.ok(start.offset >= 0 && end.offset <= text.length && start.offset <= end.offset, `input ${i}: ${d.code} range ${start.offset}-${end.offset} outside 0-${text.length}`);
      assert.deepEqual(source.positionAt(start.offset), start, `input ${i}: ${d.code} start position inconsistent`);
      assert.deepEqual(source.positionAt(end.offset), end, `input ${i}: ${d.code} end position inconsistent`);
    }
  }
  assert.ok(diagnosticsSeen > INPUTS / 2, 'mutations should produce diagnostics');
});
