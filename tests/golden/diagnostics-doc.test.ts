import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { CODES } from '../../compiler/diagnostics/codes.js';
import { ROOT, UPDATE_GOLDEN } from '../helpers.js';

/** docs/diagnostics.md is generated from the code catalog and the golden cases, so it cannot go stale. */
function renderDoc(): string {
  const casesDir = join(ROOT, 'golden-tests', 'invalid');
  const cases = readdirSync(casesDir).filter((d) => existsSync(join(casesDir, d, 'expected.json'))).sort();
  const example = new Map<string, { name: string; pretty: string }>();
  for (const name of cases) {
    const json = JSON.parse(readFileSync(join(casesDir, name, 'expected.json'), 'utf8')) as { diagnostics: { code: string }[] };
    const input = existsSync(join(casesDir, name, 'input.yaml')) ? readFileSync(join(casesDir, name, 'input.yaml'), 'utf8') : '';
    const primary = /expect: (DLC\d{3})/.exec(input)?.[1] ?? json.diagnostics[0]?.code;
    if (primary && !example.has(primary)) example.set(primary, { name: `invalid/${name}`, pretty: readFileSync(join(casesDir, name, 'expected.pretty.txt'), 'utf8') });
  }
  // The planner's diagnostics come from `dlc plan`, so their examples are planning cases.
  const plansDir = join(ROOT, 'golden-tests', 'plans');
  for (const name of readdirSync(plansDir).sort()) {
    const input = join(plansDir, name, 'input.yaml');
    if (!existsSync(input)) continue;
    const code = /expect: (DLC\d{3})/.exec(readFileSync(input, 'utf8'))?.[1];
    const shown = readdirSync(join(plansDir, name)).filter((f) => f.endsWith('diagnostics.txt')).sort()[0];
    if (code && shown && !example.has(code)) example.set(code, { name: `plans/${name}`, pretty: readFileSync(join(plansDir, name, shown), 'utf8') });
  }
  const lines = [
    '# dlc diagnostics',
    '',
    'Every problem dlc reports has a stable code. 1xx: parsing, 2xx: the schema, 3xx: variables, includes and',
    'references, 4xx: the DAG, columns, hyperparameters and data, 5xx: planning. Severity is the default; `DLC410`',
    'and `DLC412` (missing data) are warnings for `lint` and `plan` and errors for `run`.',
    '',
    'This page is generated from `compiler/diagnostics/codes.ts` and the cases in `golden-tests/invalid/` and',
    '`golden-tests/plans/` (`UPDATE_GOLDEN=1 npm test` rewrites it).',
    '',
    '| code | name | severity | meaning |',
    '|---|---|---|---|',
    ...Object.entries(CODES).map(([code, c]) => `| [${code}](#${code.toLowerCase()}) | ${c.name} | ${c.severity} | ${c.title.replace(/\|/g, '\\|')} |`),
    '',
  ];
  for (const [code, c] of Object.entries(CODES)) {
    lines.push(`## ${code}`, '', `**${c.name}** (${c.severity}): ${c.title}.`, '');
    const ex = example.get(code);
    if (ex) lines.push(`Example (\`golden-tests/${ex.name}\`):`, '', '```', ex.pretty.trimEnd(), '```', '');
    else lines.push('Reported through the command line rather than a spec; see `tests/e2e/cli.test.ts`.', '');
  }
  return lines.join('\n');
}

test('docs/diagnostics.md matches the catalog and the golden examples', () => {
  const file = join(ROOT, 'docs', 'diagnostics.md');
  const doc = renderDoc();
  if (UPDATE_GOLDEN || !existsSync(file)) writeFileSync(file, doc);
  assert.equal(readFileSync(file, 'utf8'), doc);
});
