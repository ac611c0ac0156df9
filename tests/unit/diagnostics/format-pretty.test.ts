import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatPretty } from '../../../compiler/diagnostics/format-pretty.js';
import { SourceFile } from '../../../compiler/source/source-file.js';
import { ANSI, diagAt, sourceMap } from './helpers.js';

const spec = new SourceFile(
  '/work/proj/specs/pipeline.yaml',
  ['dlc: 1', 'name: demo', 'steps:', '  train:', '    features: [agee, size]', '    epochz: 3', ''].join('\n'),
);
const sources = new SourceFile('/work/proj/specs/sources.yaml', 'fashion:\n  columns: [age, size]\n');

const unknownColumn = diagAt(spec, 'agee', {
  message: "steps.train.features[0]: column 'agee' does not exist",
  path: 'steps.train.features[0]',
  hint: "did you mean 'age'?",
  related: [{ file: sources.path, range: sources.rangeAt(11, 18), message: 'the columns are declared here' }],
});
const unknownKey = diagAt(spec, 'epochz', {
  code: 'DLC201',
  severity: 'warning',
  message: "steps.train: unknown key 'epochz'",
  path: 'steps.train.epochz',
});

const opts = { getSource: sourceMap(spec, sources), cwd: '/work/proj' };

test('plain output: location, code frame, hint, note and summary', () => {
  assert.equal(
    formatPretty([unknownColumn, unknownKey], { ...opts, color: false }),
    [
      "specs/pipeline.yaml:5:16: error DLC401 steps.train.features[0]: column 'agee' does not exist",
      '  4 |   train:',
      '  5 |     features: [agee, size]',
      '    |                ^~~~',
      "  hint: did you mean 'age'?",
      '  note: specs/sources.yaml:2:3: the columns are declared here',
      '',
      "specs/pipeline.yaml:6:5: warning DLC201 steps.train: unknown key 'epochz'",
      '  5 |     features: [agee, size]',
      '  6 |     epochz: 3',
      '    |     ^~~~~~',
      '',
      '1 error, 1 warning',
      '',
    ].join('\n'),
  );
});

test('coloured output: red errors, yellow warnings, dim gutter, bold message', () => {
  const bold = (s: string) => `\x1b[1m${s}\x1b[22m`;
  const dim = (s: string) => `\x1b[2m${s}\x1b[22m`;
  const red = (s: string) => `\x1b[31m${s}\x1b[39m`;
  const yellow = (s: string) => `\x1b[33m${s}\x1b[39m`;
  assert.equal(
    formatPretty([unknownColumn, unknownKey], { ...opts, color: true }),
    [
      `specs/pipeline.yaml:5:16: ${bold(red('error DLC401'))} ${bold("steps.train.features[0]: column 'agee' does not exist")}`,
      `${dim('  4 |')}   train:`,
      `${dim('  5 |')}     features: [agee, size]`,
      `${dim('    |')}                ${bold(red('^~~~'))}`,
      `  ${bold('hint:')} did you mean 'age'?`,
      `  ${bold('note:')} specs/sources.yaml:2:3: the columns are declared here`,
      '',
      `specs/pipeline.yaml:6:5: ${bold(yellow('warning DLC201'))} ${bold("steps.train: unknown key 'epochz'")}`,
      `${dim('  5 |')}     features: [agee, size]`,
      `${dim('  6 |')}     epochz: 3`,
      `${dim('    |')}     ${bold(yellow('^~~~~~'))}`,
      '',
      `${bold(red('1 error'))}, ${bold(yellow('1 warning'))}`,
      '',
    ].join('\n'),
  );
});

test('info is cyan, and without colour no escape code appears anywhere', () => {
  const info = diagAt(spec, 'demo', { code: 'DLC500', severity: 'info', message: 'resources.workers: 8 workers on 2 cores' });
  const coloured = formatPretty([info], { ...opts, color: true });
  assert.ok(coloured.includes('\x1b[36minfo DLC500\x1b[39m'));
  const plain = formatPretty([unknownColumn, unknownKey, info], { ...opts, color: false });
  assert.doesNotMatch(plain, ANSI);
});

test('the summary counts with singular and plural forms, and infos only when there are some', () => {
  const last = (s: string) => s.trimEnd().split('\n').at(-1);
  const o = { ...opts, color: false };
  const info = diagAt(spec, 'demo', { severity: 'info' });
  assert.equal(last(formatPretty([unknownColumn, unknownColumn], o)), '2 errors, 0 warnings');
  assert.equal(last(formatPretty([unknownKey, unknownKey, unknownKey], o)), '0 errors, 3 warnings');
  assert.equal(last(formatPretty([info], o)), '0 errors, 0 warnings, 1 info');
  assert.equal(last(formatPretty([unknownColumn, info, info], o)), '1 error, 0 warnings, 2 infos');
});

test('no diagnostics print nothing at all', () => {
  assert.equal(formatPretty([], { ...opts, color: true }), '');
});

test('paths are relative inside cwd and absolute outside it', () => {
  const outside = new SourceFile('/elsewhere/shared.yaml', 'x: 1\n');
  const d = diagAt(outside, '1', { message: 'm' });
  const out = formatPretty([d], { getSource: sourceMap(outside), cwd: '/work/proj', color: false });
  assert.ok(out.startsWith('/elsewhere/shared.yaml:1:4: error DLC401 m\n'), out);
  // A sibling directory whose name starts with cwd's name is outside too.
  const sibling = new SourceFile('/work/project2/a.yaml', 'x: 1\n');
  const s = formatPretty([diagAt(sibling, 'x')], { getSource: sourceMap(sibling), cwd: '/work/proj', color: false });
  assert.ok(s.startsWith('/work/project2/a.yaml:1:1:'), s);
});

test('without the source text the diagnostic still prints, without a frame', () => {
  const d = diagAt(spec, 'agee', { message: 'gone' });
  assert.equal(
    formatPretty([d], { getSource: () => undefined, cwd: '/work/proj', color: false }),
    'specs/pipeline.yaml:5:16: error DLC401 gone\n\n1 error, 0 warnings\n',
  );
});

test('continuation lines of a message and a hint are indented under their first line', () => {
  const d = diagAt(spec, 'dlc', { message: 'first\nsecond', hint: 'one\ntwo' });
  const out = formatPretty([d], { getSource: () => undefined, cwd: '/work/proj', color: false });
  assert.equal(out, 'specs/pipeline.yaml:1:1: error DLC401 first\n  second\n  hint: one\n        two\n\n1 error, 0 warnings\n');
});

test('escape sequences inside a message are neutralised', () => {
  const d = diagAt(spec, 'dlc', { message: "unknown key '\x1b[2J'" });
  const out = formatPretty([d], { getSource: () => undefined, cwd: '/work/proj', color: false });
  assert.doesNotMatch(out, ANSI);
  assert.ok(out.includes("unknown key '␛[2J'"));
});
