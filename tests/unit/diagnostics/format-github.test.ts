import assert from 'node:assert/strict';
import { test } from 'node:test';
import { escapeData, escapeProperty, formatGithub } from '../../../compiler/diagnostics/format-github.js';
import { SourceFile } from '../../../compiler/source/source-file.js';
import { diagAt } from './helpers.js';

const spec = new SourceFile('/work/proj/specs/pipeline.yaml', 'dlc: 1\nsteps:\n  a:\n    op: nope\n');
const cwd = '/work/proj';

test('one workflow command per diagnostic, with the severity mapped to error, warning or notice', () => {
  const e = diagAt(spec, 'nope', { code: 'DLC206', message: "steps.a.op: unknown op 'nope'" });
  const w = diagAt(spec, 'a:', { code: 'DLC417', severity: 'warning', message: 'steps.a: nothing uses this step' });
  const i = diagAt(spec, 'dlc', { code: 'DLC500', severity: 'info', message: 'resources: more workers than cores' });
  assert.equal(
    formatGithub([e, w, i], { cwd }),
    [
      "::error file=specs/pipeline.yaml,line=4,col=9,endLine=4,endColumn=13,title=DLC206::steps.a.op: unknown op 'nope'",
      '::warning file=specs/pipeline.yaml,line=3,col=3,endLine=3,endColumn=5,title=DLC417::steps.a: nothing uses this step',
      '::notice file=specs/pipeline.yaml,line=1,col=1,endLine=1,endColumn=4,title=DLC500::resources: more workers than cores',
      '',
    ].join('\n'),
  );
});

test('the hint and related locations follow the message on escaped new lines', () => {
  const d = diagAt(spec, 'nope', {
    message: 'm',
    hint: 'use one of: transform, join',
    related: [{ file: '/work/proj/specs/b.yaml', range: spec.rangeAt(0, 1), message: 'see here' }],
  });
  assert.equal(
    formatGithub([d], { cwd }),
    '::error file=specs/pipeline.yaml,line=4,col=9,endLine=4,endColumn=13,title=DLC401::m%0Ahint: use one of: transform, join%0Anote: specs/b.yaml:1:1: see here\n',
  );
});

test('a multi-line range carries its lines but no columns', () => {
  const start = spec.text.indexOf('a:');
  const d = { ...diagAt(spec, 'a:'), range: spec.rangeAt(start, spec.text.indexOf('nope')) };
  assert.equal(formatGithub([d], { cwd }), '::error file=specs/pipeline.yaml,line=3,endLine=4,title=DLC401::something is wrong\n');
});

test('messages escape %, CR and LF; properties also escape : and ,', () => {
  assert.equal(escapeData('100% done\r\nnext: a, b'), '100%25 done%0D%0Anext: a, b');
  assert.equal(escapeProperty('C:\\a,b%\n'), 'C%3A\\a%2Cb%25%0A');
  // Escaping % first keeps an already-escaped-looking text literal.
  assert.equal(escapeData('%0A'), '%250A');

  const weird = new SourceFile('/work/proj/a,b: c%.yaml', 'x: 1\n');
  const d = diagAt(weird, 'x', { code: 'DLC401', message: 'line one\nline two: 50%' });
  assert.equal(
    formatGithub([d], { cwd }),
    '::error file=a%2Cb%3A c%25.yaml,line=1,col=1,endLine=1,endColumn=2,title=DLC401::line one%0Aline two: 50%25\n',
  );
});

test('nothing to report prints nothing', () => {
  assert.equal(formatGithub([], { cwd }), '');
});
