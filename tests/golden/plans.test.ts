import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { test } from 'node:test';
import { defaultMachineProfile, type MachineProfile } from '../../compiler/cost/constants.js';
import { CODES } from '../../compiler/diagnostics/codes.js';
import type { CompilerHost, KeySketch, SourceToInspect } from '../../compiler/host.js';
import { compile } from '../../compiler/index.js';
import { renderDiagnostics } from '../../cli/diagnostics-output.js';
import { createNodeHost } from '../../cli/node-host.js';
import { planExplain } from '../../cli/plan-text.js';
import { normalize, ROOT, UPDATE_GOLDEN } from '../helpers.js';

const specsDir = join(ROOT, 'specs');
const plansDir = join(ROOT, 'golden-tests', 'plans');
const examples = readdirSync(specsDir).filter((f) => f.endsWith('.yaml')).sort();

/**
 * Plans depend on the machine (its memory, a cached calibration); goldens must not. Every golden plan is
 * made for this one: default constants, 16 GiB of memory.
 */
const GOLDEN_MACHINE: MachineProfile = { ...defaultMachineProfile(), memory_bytes: 16 * 2 ** 30 };

function golden(file: string, actual: string): void {
  if (UPDATE_GOLDEN || !existsSync(file)) {
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, actual);
    if (!UPDATE_GOLDEN) assert.fail(`wrote missing golden ${file}; review and commit it`);
    return;
  }
  assert.equal(actual, readFileSync(file, 'utf8'));
}

/**
 * Statistics a case declares instead of data files (60 million rows do not belong in the repository), by
 * file name: row count, bytes when not rows × the declared schema's width, distinct keys per key (columns
 * joined by commas). Anything not listed is inspected for real.
 */
interface FixtureStats {
  files: Record<string, { rows: number; bytes?: number; keys?: Record<string, number> }>;
}

function caseHost(fixture: FixtureStats | undefined): CompilerHost {
  const real = createNodeHost({});
  const entry = (s: SourceToInspect) => fixture?.files[basename(s.path ?? s.images ?? '')];
  return {
    ...real,
    inspectSource(s) {
      const f = entry(s);
      if (!f) return real.inspectSource!(s);
      const path = s.path ?? '';
      return { ok: true, stats: { files: [{ path, bytes: f.bytes ?? f.rows * 16, rows: f.rows }], rows: f.rows, bytes: f.bytes ?? f.rows * 16, schemaFrom: 'fixture statistics' } };
    },
    keySketches(s, keys) {
      const f = entry(s);
      if (!f) return real.keySketches!(s, keys);
      return keys.map((k): KeySketch | undefined => {
        const d = f.keys?.[k.join(',')];
        return d === undefined ? undefined : { columns: k, distinct: d, sampledRows: Math.min(f.rows, 65536), sampledDistinct: Math.min(d, 65536), complete: false, from: 'fixture statistics' };
      });
    },
    machine: () => GOLDEN_MACHINE,
  };
}

test('there are example specs to plan', () => {
  assert.ok(examples.length >= 3, `found ${examples.join(', ')}`);
});

for (const name of examples) {
  test(`plan of specs/${name} matches golden-tests/plans`, () => {
    const file = join(specsDir, name);
    const r = compile({ file, host: caseHost(undefined), mode: 'plan', cores: 2 });
    assert.ok(r.ok, `specs/${name} must compile: ${r.ok ? '' : r.errors.map((e) => e.message).join('; ')}`);
    const dir = join(plansDir, name.replace(/\.yaml$/, ''));
    golden(join(dir, 'expected.plan.json'), `${normalize(JSON.stringify(r.plan, null, 2))}\n`);
    golden(join(dir, 'expected.explain.txt'), normalize(planExplain(r.plan!)));
    for (const n of r.plan!.nodes) if (n.decision) assert.equal(n.strategy, n.decision.strategy, `${n.id}: the node's strategy is its decision's`);
  });
}

/**
 * Cases: golden-tests/plans/<case>/input.yaml, optionally stats.json (FixtureStats) and runs.json (a list
 * of {"suffix", "workers"} to plan the same spec at several worker counts). Each run writes
 * expected[.<suffix>].explain.txt when it plans and expected[.<suffix>].diagnostics.txt when it reports
 * anything. A first line `# expect: DLC5nn line N` names a diagnostic the case is there to show.
 */
const cases = readdirSync(plansDir).filter((d) => existsSync(join(plansDir, d, 'input.yaml'))).sort();
const seenCodes = new Set<string>();

test('at least 8 planning cases', () => assert.ok(cases.length >= 8, `${cases.length} cases`));

for (const name of cases) {
  test(`plans/${name}`, () => {
    const dir = join(plansDir, name);
    const file = join(dir, 'input.yaml');
    const text = readFileSync(file, 'utf8');
    const fixture = existsSync(join(dir, 'stats.json')) ? (JSON.parse(readFileSync(join(dir, 'stats.json'), 'utf8')) as FixtureStats) : undefined;
    const runs = existsSync(join(dir, 'runs.json')) ? (JSON.parse(readFileSync(join(dir, 'runs.json'), 'utf8')) as { suffix: string; workers?: number }[]) : [{ suffix: '' }];
    const expect = /expect: (DLC\d{3}) line (\d+)/.exec(text);
    for (const run of runs) {
      const r = compile({ file, host: caseHost(fixture), mode: 'plan', cores: 2, ...(run.workers !== undefined ? { workers: run.workers } : {}) });
      const stem = join(dir, `expected${run.suffix ? `.${run.suffix}` : ''}`);
      const diags = r.ok ? r.warnings : [...r.errors, ...r.warnings];
      for (const d of diags) seenCodes.add(d.code);
      if (r.ok) golden(`${stem}.explain.txt`, normalize(planExplain(r.plan!)));
      if (diags.length > 0) golden(`${stem}.diagnostics.txt`, normalize(renderDiagnostics(diags, r.files, 'pretty', { cwd: dir, color: false, version: '0' })));
      if (expect) {
        const d = diags.find((x) => x.code === expect[1]);
        assert.ok(d, `${name}${run.suffix ? ` (${run.suffix})` : ''}: expected ${expect[1]}, got ${diags.map((x) => x.code).join(', ') || 'nothing'}`);
        assert.equal(d.range.start.line, Number(expect[2]));
      }
    }
  });
}

test('every planning diagnostic appears in a planning case', () => {
  const planning = Object.keys(CODES).filter((c) => c >= 'DLC501' && c < 'DLC600');
  assert.deepEqual(planning.filter((c) => !seenCodes.has(c)), []);
});
