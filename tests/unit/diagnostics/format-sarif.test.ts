import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Ajv } from 'ajv';
import { CODES } from '../../../compiler/diagnostics/codes.js';
import { buildSarifLog, formatSarif, SARIF_SCHEMA, type SarifLog } from '../../../compiler/diagnostics/format-sarif.js';
import { SourceFile } from '../../../compiler/source/source-file.js';
import { diagAt } from './helpers.js';
import { sarifSubsetSchema } from './sarif-subset-schema.js';

const spec = new SourceFile('/work/proj/specs/pipeline.yaml', 'dlc: 1\nsteps:\n  a:\n    op: nope\n    from: src\n');
const cwd = '/work/proj';
const validate = new Ajv({ allErrors: true, validateFormats: false, strict: false }).compile(sarifSubsetSchema);

function sample() {
  const err = diagAt(spec, 'nope', {
    code: 'DLC206',
    message: "steps.a.op: unknown op 'nope'",
    path: 'steps.a.op',
    hint: 'one of: transform, join',
    related: [
      { file: spec.path, range: spec.rangeAt(0, 3), message: 'declared here' },
      { file: spec.path, range: spec.rangeAt(0, 3), message: 'declared here' },
    ],
  });
  const warn = diagAt(spec, 'a:', { code: 'DLC417', severity: 'warning', message: 'steps.a: nothing uses it', path: 'steps.a' });
  const info = diagAt(spec, 'dlc', { code: 'DLC500', severity: 'info', message: 'more workers than cores' });
  return [err, warn, info];
}

function parse(text: string): SarifLog {
  return JSON.parse(text) as SarifLog;
}

test('the log validates against the SARIF 2.1.0 schema for the objects it uses', () => {
  const log = parse(formatSarif(sample(), { cwd, toolVersion: '0.1.0', informationUri: 'https://example.org/dlc' }));
  const ok = validate(log);
  assert.ok(ok, JSON.stringify(validate.errors, null, 2));
  // An empty run is valid too, and still carries the rules.
  assert.ok(validate(parse(formatSarif([], { cwd, toolVersion: '0.1.0' }))), JSON.stringify(validate.errors));
});

test('the top level: $schema, version 2.1.0, one run of the dlc driver measuring UTF-16 columns', () => {
  const log = buildSarifLog(sample(), { cwd, toolVersion: '1.2.3', informationUri: 'https://example.org/dlc' });
  assert.equal(log.$schema, SARIF_SCHEMA);
  assert.equal(log.$schema, 'https://json.schemastore.org/sarif-2.1.0.json');
  assert.equal(log.version, '2.1.0');
  assert.equal(log.runs.length, 1);
  const run = log.runs[0]!;
  assert.equal(run.tool.driver.name, 'dlc');
  assert.equal(run.tool.driver.version, '1.2.3');
  assert.equal(run.tool.driver.informationUri, 'https://example.org/dlc');
  assert.equal(run.columnKind, 'utf16CodeUnits');
  assert.deepEqual(run.originalUriBaseIds, { '%SRCROOT%': { uri: 'file:///work/proj/' } });
  assert.ok(!('informationUri' in buildSarifLog([], { cwd, toolVersion: '1' }).runs[0]!.tool.driver));
});

test('rules come from the code catalog, in catalog order, with the catalog severity as default level', () => {
  const rules = buildSarifLog([], { cwd, toolVersion: '0' }).runs[0]!.tool.driver.rules;
  assert.deepEqual(rules.map((r) => r.id), Object.keys(CODES));
  const byId = new Map(rules.map((r) => [r.id, r]));
  assert.deepEqual(byId.get('DLC401'), {
    id: 'DLC401',
    name: 'unknown-column',
    shortDescription: { text: 'A column that the input does not have' },
    defaultConfiguration: { level: 'error' },
  });
  assert.equal(byId.get('DLC405')?.defaultConfiguration?.level, 'warning');
  assert.equal(byId.get('DLC500')?.defaultConfiguration?.level, 'note');
});

test('each result points at its rule by id and by an index that agrees with it', () => {
  const log = buildSarifLog(sample(), { cwd, toolVersion: '0' });
  const run = log.runs[0]!;
  for (const r of run.results) assert.equal(run.tool.driver.rules[r.ruleIndex]?.id, r.ruleId);
  assert.deepEqual(run.results.map((r) => r.level), ['error', 'warning', 'note']);
});

test('a code outside the catalog gets a rule of its own at the end', () => {
  const d = diagAt(spec, 'nope', { code: 'DLC999' });
  const run = buildSarifLog([d, d], { cwd, toolVersion: '0' }).runs[0]!;
  const n = Object.keys(CODES).length;
  assert.equal(run.tool.driver.rules.length, n + 1);
  assert.deepEqual(run.tool.driver.rules[n], { id: 'DLC999' });
  assert.deepEqual(run.results.map((r) => r.ruleIndex), [n, n]);
});

test('a result: message with the hint, a relative location under %SRCROOT%, its region and the document path', () => {
  const r = buildSarifLog(sample(), { cwd, toolVersion: '0' }).runs[0]!.results[0]!;
  assert.deepEqual(r.message, { text: "steps.a.op: unknown op 'nope'\nhint: one of: transform, join" });
  assert.deepEqual(r.locations, [
    {
      physicalLocation: {
        artifactLocation: { uri: 'specs/pipeline.yaml', uriBaseId: '%SRCROOT%' },
        region: { startLine: 4, startColumn: 9, endLine: 4, endColumn: 13 },
      },
      logicalLocations: [{ fullyQualifiedName: 'steps.a.op' }],
    },
  ]);
});

test('related locations are distinct by id even when two say the same thing at one place', () => {
  const r = buildSarifLog(sample(), { cwd, toolVersion: '0' }).runs[0]!.results[0]!;
  assert.deepEqual(r.relatedLocations, [0, 1].map((id) => ({
    id,
    physicalLocation: {
      artifactLocation: { uri: 'specs/pipeline.yaml', uriBaseId: '%SRCROOT%' },
      region: { startLine: 1, startColumn: 1, endLine: 1, endColumn: 4 },
    },
    message: { text: 'declared here' },
  })));
  assert.equal(buildSarifLog(sample(), { cwd, toolVersion: '0' }).runs[0]!.results[1]!.relatedLocations, undefined);
});

test('zero-width, multi-line and reversed ranges give valid regions', () => {
  const zero = diagAt(spec, { offset: 5 });
  const multi = { ...zero, range: spec.rangeAt(spec.text.indexOf('a:'), spec.text.indexOf('src')) };
  const reversed = { ...zero, range: { start: multi.range.end, end: multi.range.start } };
  const regions = buildSarifLog([zero, multi, reversed], { cwd, toolVersion: '0' }).runs[0]!.results.map(
    (r) => r.locations[0]!.physicalLocation.region,
  );
  assert.deepEqual(regions, [
    { startLine: 1, startColumn: 6, endLine: 1, endColumn: 6 },
    { startLine: 3, startColumn: 3, endLine: 5, endColumn: 11 },
    { startLine: 5, startColumn: 11, endLine: 5, endColumn: 11 },
  ]);
});

test('URIs: segments percent-encoded inside cwd, file:// URLs outside it', () => {
  const odd = new SourceFile('/work/proj/my specs/#1?.yaml', 'x: 1');
  const outside = new SourceFile('/etc/dlc/base.yaml', 'x: 1');
  const run = buildSarifLog([diagAt(odd, 'x'), diagAt(outside, 'x')], { cwd, toolVersion: '0' }).runs[0]!;
  const locs = run.results.map((r) => r.locations[0]!.physicalLocation.artifactLocation);
  assert.deepEqual(locs, [{ uri: 'my%20specs/%231%3F.yaml', uriBaseId: '%SRCROOT%' }, { uri: 'file:///etc/dlc/base.yaml' }]);
  for (const l of locs) assert.doesNotThrow(() => new URL(l.uri, 'file:///work/proj/'));
});

test('the text form is the log, pretty-printed with a final newline', () => {
  const text = formatSarif(sample(), { cwd, toolVersion: '0' });
  assert.ok(text.startsWith('{\n  "$schema": '));
  assert.ok(text.endsWith('}\n'));
  assert.deepEqual(JSON.parse(text), JSON.parse(JSON.stringify(buildSarifLog(sample(), { cwd, toolVersion: '0' }))));
});
