import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import Ajv2020 from 'ajv/dist/2020.js';
import { parse as parseYaml } from 'yaml';
import { ROOT, runCli, UPDATE_GOLDEN } from '../helpers.js';

const schemaFile = join(ROOT, 'specs', 'pipeline.schema.json');

test('specs/pipeline.schema.json is what `dlc schema` prints', () => {
  const r = runCli(['schema']);
  assert.equal(r.status, 0);
  if (UPDATE_GOLDEN) writeFileSync(schemaFile, r.stdout);
  assert.equal(r.stdout, readFileSync(schemaFile, 'utf8'), 'run UPDATE_GOLDEN=1 npm test to regenerate the checked-in schema');
});

test('the checked-in schema is valid draft 2020-12 and accepts every example', () => {
  const ajv = new Ajv2020.default({ strict: false, discriminator: true, allErrors: true });
  const validate = ajv.compile(JSON.parse(readFileSync(schemaFile, 'utf8')) as object);
  for (const f of readdirSync(join(ROOT, 'specs')).filter((x) => x.endsWith('.yaml'))) {
    const doc = parseYaml(readFileSync(join(ROOT, 'specs', f), 'utf8')) as unknown;
    assert.ok(validate(doc), `${f}: ${JSON.stringify(validate.errors)}`);
  }
  assert.equal(validate({ dlc: 1, name: 'x', steps: { a: { op: 'nope' } } }), false);
});
