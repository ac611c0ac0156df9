import assert from 'node:assert/strict';
import { test } from 'node:test';
import { charWidth, codeFrame, visible } from '../../../compiler/diagnostics/code-frame.js';
import { SourceFile } from '../../../compiler/source/source-file.js';

function frame(text: string, start: number, end: number, maxWidth?: number): string {
  const f = new SourceFile('/p/a.yaml', text);
  return codeFrame(f, f.rangeAt(start, end), maxWidth === undefined ? {} : { maxWidth }).join('\n');
}

function frameOf(text: string, needle: string, maxWidth?: number): string {
  const i = text.indexOf(needle);
  assert.ok(i >= 0, needle);
  return frame(text, i, i + needle.length, maxWidth);
}

test('the line before, the line itself and a caret under the exact range', () => {
  assert.equal(
    frameOf('dlc: 1\nname: demo\nseed: x\n', 'x'),
    ['  2 | name: demo', '  3 | seed: x', '    |       ^'].join('\n'),
  );
  assert.equal(frameOf('dlc: 1\nname: demo\n', 'demo'), ['  1 | dlc: 1', '  2 | name: demo', '    |       ^~~~'].join('\n'));
});

test('the first line has no line before it', () => {
  assert.equal(frameOf('dlc: 2\n', '2'), ['  1 | dlc: 2', '    |      ^'].join('\n'));
});

test('the gutter is as wide as the largest line number shown', () => {
  const text = Array.from({ length: 10 }, (_, i) => `k${i + 1}: v`).join('\n');
  assert.equal(frameOf(text, 'k10'), ['   9 | k9: v', '  10 | k10: v', '     | ^~~'].join('\n'));
});

test('tabs expand to tab stops of four in both the line and the caret position', () => {
  // '\tfeatures:\t[agee]': the first tab fills cells 0-3, 'features:' 4-12, the second tab 13-15.
  const text = 'steps:\n\tfeatures:\t[agee]\n';
  assert.equal(
    frameOf(text, 'agee'),
    ['  1 | steps:', '  2 |     features:   [agee]', '    |                  ^~~~'].join('\n'),
  );
  // A tab inside the range widens the marker by the cells it takes.
  assert.equal(frameOf('a:\tb\n', ':\tb'), ['  1 | a:  b', '    |  ^~~~'].join('\n'));
});

test('wide characters take two cells, combining marks none, surrogate pairs one character', () => {
  // '名前' is two wide characters: the caret under '値' starts at cell 6 and spans 2 cells.
  assert.equal(frameOf('名前: 値\n', '値'), ['  1 | 名前: 値', '    |       ^~'].join('\n'));
  // An emoji (one code point, two UTF-16 units) before the range shifts the caret by two cells.
  assert.equal(frameOf('k: "🚀" x\n', 'x'), ['  1 | k: "🚀" x', `    | ${' '.repeat(8)}^`].join('\n'));
  // 'é' written as e + U+0301 is one cell.
  assert.equal(frameOf('cafe\u0301: bad\n', 'bad'), ['  1 | cafe\u0301: bad', '    |       ^~~'].join('\n'));
});

test('a zero-width range gets a single caret', () => {
  const text = 'a: 1\nb: 2\n';
  assert.equal(frame(text, 7, 7), ['  1 | a: 1', '  2 | b: 2', '    |   ^'].join('\n'));
});

test('a range at the very end of a file with a final newline points at the empty last line', () => {
  const text = 'a: 1\nb: 2\n';
  assert.equal(frame(text, text.length, text.length), ['  2 | b: 2', '  3 |', '    | ^'].join('\n'));
});

test('a range at the end of a file without a final newline sits after the last character', () => {
  const text = 'a: 1\nb: [1, 2';
  assert.equal(frame(text, text.length, text.length), ['  1 | a: 1', '  2 | b: [1, 2', '    |         ^'].join('\n'));
});

test('a multi-line range is clipped to its first line and says where it ends', () => {
  const text = 'steps:\n  a:\n    op: x\n  b: 1\n';
  const start = text.indexOf('a:');
  const end = text.indexOf('  b');
  assert.equal(frame(text, start, end), ['  1 | steps:', '  2 |   a:', '    |   ^~ … to line 3'].join('\n'));
});

test('a range that only takes in the newline of its line is a one-line range', () => {
  const text = 'a: 1\nb: 2\n';
  assert.equal(frame(text, 5, 10), ['  1 | a: 1', '  2 | b: 2', '    | ^~~~'].join('\n'));
});

test('a long line is windowed around the range with ellipses at the cuts', () => {
  const text = `x: ${'a'.repeat(60)} bad ${'b'.repeat(60)}\n`;
  const out = frameOf(text, 'bad', 40).split('\n');
  // A quarter of the width (10 cells) of context before the range; the ellipses count in the budget.
  assert.equal(out[0], `  1 | …${'a'.repeat(9)} bad ${'b'.repeat(24)}…`);
  assert.equal(out[1], `    | ${' '.repeat(11)}^~~`);
  assert.equal([...out[0]!.slice('  1 | '.length)].length, 40);
});

test('windowing keeps the line start when the range is near it, and the line end when near that', () => {
  const text = `k: bad ${'z'.repeat(80)}\n`;
  assert.deepEqual(frameOf(text, 'bad', 30).split('\n'), [`  1 | k: bad ${'z'.repeat(22)}…`, '    |    ^~~']);
  const tail = `${'z'.repeat(80)} bad\n`;
  assert.deepEqual(frameOf(tail, 'bad', 30).split('\n'), [`  1 | …${'z'.repeat(25)} bad`, `    | ${' '.repeat(27)}^~~`]);
});

test('a range wider than the window is marked up to the cut and continues with an ellipsis', () => {
  const text = `k: ${'x'.repeat(100)}\n`;
  assert.deepEqual(frameOf(text, 'x'.repeat(100), 30).split('\n'), [`  1 | k: ${'x'.repeat(26)}…`, `    |    ^${'~'.repeat(25)}…`]);
});

test('the line before is windowed with the same start so the columns stay aligned', () => {
  const text = `${'p'.repeat(70)}\n${'q'.repeat(50)} bad\n`;
  const out = frameOf(text, 'bad', 30).split('\n');
  assert.deepEqual(out, [
    `  1 | …${'p'.repeat(28)}…`,
    `  2 | …${'q'.repeat(25)} bad`,
    `    | ${' '.repeat(27)}^~~`,
  ]);
});

test('control characters in the source are shown as symbols, never sent to the terminal', () => {
  const out = frameOf('a: "\x1b[31mred"\n', 'red');
  assert.ok(!out.includes('\x1b'));
  assert.equal(out, ['  1 | a: "␛[31mred"', '    |          ^~~'].join('\n'));
  assert.equal(visible('x\x07y\nz'), 'x␇y\nz');
});

test('charWidth follows wcwidth for the common cases', () => {
  assert.equal(charWidth('a'.codePointAt(0)!), 1);
  assert.equal(charWidth('中'.codePointAt(0)!), 2);
  assert.equal(charWidth('ｶ'.codePointAt(0)!), 1); // halfwidth katakana
  assert.equal(charWidth('Ａ'.codePointAt(0)!), 2); // fullwidth A
  assert.equal(charWidth('😀'.codePointAt(0)!), 2);
  assert.equal(charWidth(0x301), 0);
  assert.equal(charWidth(0x200d), 0);
});

test('a line number outside the file gives no frame', () => {
  const f = new SourceFile('/p/a.yaml', 'a: 1');
  assert.deepEqual(codeFrame(f, { start: { line: 9, col: 1, offset: 99 }, end: { line: 9, col: 1, offset: 99 } }), []);
});
