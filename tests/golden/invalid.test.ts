import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { CODES } from '../../compiler/diagnostics/codes.js';
import { normalize, ROOT, runCli, UPDATE_GOLDEN } from '../helpers.js';

/**
 * Each case is golden-tests/invalid/<case>/input.yaml (or input.json), whose first line says what the
 * primary diagnostic must be: `# expect: DLC401 line 12`. The real CLI lints it; the pretty and JSON
 * outputs are compared with expected.pretty.txt and expected.json.
 */
const casesDir = join(ROOT, 'golden-tests', 'invalid');
const cases = readdirSync(casesDir).filter((d) => existsSync(join(casesDir, d, 'input.yaml')) || existsSync(join(casesDir, d, 'input.json'))).sort();

function golden(file: string, actual: string): void {
  if (UPDATE_GOLDEN || !existsSync(file)) {
    writeFileSync(file, actual);
    if (!UPDATE_GOLDEN) assert.fail(`wrote missing golden ${file}; review and commit it`);
    return;
  }
  assert.equal(actual, readFileSync(file, 'utf8'));
}

test('at least 40 invalid cases', () => assert.ok(cases.length >= 40, `${cases.length} cases`));

const seenCodes = new Set<string>();
for (const name of cases) {
  test(`invalid/${name}`, () => {
    const dir = join(casesDir, name);
    const input = existsSync(join(dir, 'input.yaml')) ? 'input.yaml' : 'input.json';
    const text = readFileSync(join(dir, input), 'utf8');
    const m = /expect: (DLC\d{3}) line (\d+)/.exec(text) ?? /expect: (DLC\d{3}) line (\d+)/.exec(readFileSync(join(dir, 'expect.txt'), 'utf8'));
    assert.ok(m, `${name}: the input must say '# expect: DLCnnn line N'`);
    const [, code, line] = m;

    // A case whose point is a warning fails lint only when warnings are not allowed.
    const strict = CODES[code as keyof typeof CODES]?.severity === 'error' ? [] : ['--max-warnings', '0'];
    const pretty = runCli(['lint', input, ...strict], { cwd: dir });
    assert.equal(pretty.status, 1, `exit status 1 expected, stderr: ${pretty.stderr}`);
    assert.ok(!/\n\s+at .+:\d+:\d+\)?\n/.test(pretty.stdout + pretty.stderr), 'no stack trace');
    golden(join(dir, 'expected.pretty.txt'), normalize(pretty.stdout));

    const json = runCli(['lint', input, '--format', 'json', ...strict], { cwd: dir });
    assert.equal(json.status, 1);
    golden(join(dir, 'expected.json'), normalize(json.stdout));
    const parsed = JSON.parse(json.stdout) as { diagnostics: { code: string; severity: string; range: { start: { line: number } } }[] };
    for (const d of parsed.diagnostics) seenCodes.add(d.code);
    const primary = parsed.diagnostics.find((d) => d.code === code);
    assert.ok(primary, `${name}: expected a ${code}, got ${parsed.diagnostics.map((d) => d.code).join(', ')}`);
    assert.equal(primary.range.start.line, Number(line), `${name}: ${code} should be on line ${line}`);
  });
}

/**
 * An unreadable spec and a plan-time note cannot be lint cases; tests/e2e covers both through the CLI.
 * The planner's own diagnostics (DLC501 on) have cases in golden-tests/plans (tests/golden/plans.test.ts).
 */
const COVERED_ELSEWHERE = ['DLC100', 'DLC500'];
const isPlanning = (code: string) => code >= 'DLC501' && code < 'DLC600';

test('every diagnostic code appears in at least one golden case', () => {
  const missing = Object.keys(CODES).filter((c) => !seenCodes.has(c) && !COVERED_ELSEWHERE.includes(c) && !isPlanning(c));
  assert.deepEqual(missing, []);
});
