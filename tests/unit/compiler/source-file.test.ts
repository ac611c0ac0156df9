import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SourceFile } from '../../../compiler/source/source-file.js';

test('positionAt maps offsets to 1-based line and column', () => {
  const f = new SourceFile('/x.yaml', 'ab\ncd\n\nef');
  assert.deepEqual(f.positionAt(0), { line: 1, col: 1, offset: 0 });
  assert.deepEqual(f.positionAt(3), { line: 2, col: 1, offset: 3 });
  assert.deepEqual(f.positionAt(4), { line: 2, col: 2, offset: 4 });
  assert.deepEqual(f.positionAt(6), { line: 3, col: 1, offset: 6 });
  assert.deepEqual(f.positionAt(7), { line: 4, col: 1, offset: 7 });
  assert.deepEqual(f.positionAt(99), { line: 4, col: 3, offset: 9 });
  assert.equal(f.lineText(2), 'cd');
});
