import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tokenize, type Token } from '../../../compiler/sql/index.js';

function tokens(text: string): [string, string][] {
  const r = tokenize(text);
  if (!r.ok) assert.fail(r.error.message);
  return r.tokens.filter((t: Token) => t.kind !== 'eof').map((t) => [t.kind, t.value]);
}

test('operators are read longest first', () => {
  assert.deepEqual(tokens('a<=b<>c!=d==e||f::g//h**i'), [
    ['ident', 'a'], ['op', '<='], ['ident', 'b'], ['op', '<>'], ['ident', 'c'], ['op', '!='], ['ident', 'd'], ['op', '=='],
    ['ident', 'e'], ['op', '||'], ['ident', 'f'], ['op', '::'], ['ident', 'g'], ['op', '//'], ['ident', 'h'], ['op', '**'], ['ident', 'i'],
  ]);
});

test('numbers', () => {
  assert.deepEqual(tokens('1 1.5 .5 1. 1e10 1.5E-3 1_000'), [
    ['number', '1'], ['number', '1.5'], ['number', '.5'], ['number', '1.'], ['number', '1e10'], ['number', '1.5E-3'], ['number', '1_000'],
  ]);
  // An 'e' not followed by digits is not an exponent.
  assert.deepEqual(tokens('1e'), [['number', '1'], ['ident', 'e']]);
});

test('strings, escapes, dollar quoting; quoted identifiers', () => {
  assert.deepEqual(tokens("'a''b' E'c\\nd' $$x'y$$ $t$ $$ $t$ \"q\"\"i\""), [
    ['string', "a'b"], ['string', 'c\nd'], ['string', "x'y"], ['string', ' $$ '], ['quoted-ident', 'q"i'],
  ]);
});

test('comments, including nested block comments, are skipped', () => {
  assert.deepEqual(tokens('a -- x\n/* y /* z */ w */ b'), [['ident', 'a'], ['ident', 'b']]);
});

test('keywords are identifiers with an upper-cased form; quoted ones are never keywords', () => {
  const r = tokenize('select "select"');
  assert.ok(r.ok);
  if (r.ok) {
    assert.equal(r.tokens[0]?.upper, 'SELECT');
    assert.equal(r.tokens[1]?.kind, 'quoted-ident');
    assert.equal(r.tokens[1]?.upper, '');
    assert.equal(r.tokens[2]?.kind, 'eof');
    assert.equal(r.tokens[2]?.start, 15);
  }
});

test('lexical errors', () => {
  const cases: [string, RegExp, number, number][] = [
    ["'abc", /unterminated string/, 0, 4],
    ['"abc', /unterminated quoted identifier/, 0, 4],
    ['""', /empty quoted identifier/, 0, 2],
    ['/* /* */', /unterminated comment/, 0, 8],
    ['$x$ abc', /unterminated dollar-quoted string/, 0, 7],
    ['a \\ b', /unexpected character '\\'/, 2, 3],
  ];
  for (const [text, message, start, end] of cases) {
    const r = tokenize(text);
    assert.ok(!r.ok, text);
    if (!r.ok) {
      assert.match(r.error.message, message, text);
      assert.deepEqual([r.error.start, r.error.end], [start, end], text);
    }
  }
});
