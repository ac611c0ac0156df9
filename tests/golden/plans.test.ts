import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { compile } from '../../compiler/index.js';
import { createNodeHost } from '../../cli/node-host.js';
import { normalize, ROOT, UPDATE_GOLDEN } from '../helpers.js';

const specsDir = join(ROOT, 'specs');
const examples = readdirSync(specsDir).filter((f) => f.endsWith('.yaml')).sort();

test('there are example specs to plan', () => {
  assert.ok(examples.length >= 3, `found ${examples.join(', ')}`);
});

for (const name of examples) {
  test(`plan of specs/${name} matches golden-tests/plans`, () => {
    const file = join(specsDir, name);
    const r = compile({ file, host: createNodeHost({}), mode: 'plan', cores: 2 });
    assert.ok(r.ok, `specs/${name} must compile: ${r.ok ? '' : r.errors.map((e) => e.message).join('; ')}`);
    const actual = `${normalize(JSON.stringify(r.plan, null, 2))}\n`;
    const dir = join(ROOT, 'golden-tests', 'plans', name.replace(/\.yaml$/, ''));
    const expectedFile = join(dir, 'expected.plan.json');
    if (UPDATE_GOLDEN || !existsSync(expectedFile)) {
      mkdirSync(dir, { recursive: true });
      writeFileSync(expectedFile, actual);
      if (!UPDATE_GOLDEN) assert.fail(`wrote missing golden ${expectedFile}; review and commit it`);
      return;
    }
    assert.equal(actual, readFileSync(expectedFile, 'utf8'));
  });
}
