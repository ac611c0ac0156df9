import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatBytes, parseSize, SIZE_UNITS } from '../../../compiler/spec/size.js';
import { SIZE_PATTERN } from '../../../compiler/spec/vocabulary.js';

test('binary units are powers of 1024, decimal units powers of 1000', () => {
  assert.equal(parseSize('4GiB'), 4 * 2 ** 30);
  assert.equal(parseSize('512MiB'), 512 * 2 ** 20);
  assert.equal(parseSize('1KiB'), 1024);
  assert.equal(parseSize('2TiB'), 2 * 2 ** 40);
  assert.equal(parseSize('4GB'), 4e9);
  assert.equal(parseSize('1KB'), 1000);
  assert.equal(parseSize('3MB'), 3e6);
  assert.equal(parseSize('1TB'), 1e12);
  assert.equal(parseSize('100B'), 100);
});

test('a bare number is bytes; blanks around and between are allowed; fractions round to a byte', () => {
  assert.equal(parseSize('2048'), 2048);
  assert.equal(parseSize(2048), 2048);
  assert.equal(parseSize(' 1.5 GiB '), 1.5 * 2 ** 30);
  assert.equal(parseSize('0.5KiB'), 512);
  assert.equal(parseSize('1.0005KB'), 1001);
  assert.equal(parseSize('0'), 0);
});

test('anything else is not a size', () => {
  for (const bad of ['', 'GiB', '4 gib', '4gb', '4G', '4Gi', '-1GiB', '1e3', '4 GiB GiB', '${vars.mem}', '1.GiB', '.5GiB']) {
    assert.equal(parseSize(bad), undefined, bad);
  }
  assert.equal(parseSize(-1), undefined);
  assert.equal(parseSize(1.5), undefined);
  assert.equal(parseSize('99999999TiB'), undefined); // past 2^53 bytes
});

test('parseSize accepts exactly what the schema pattern accepts', () => {
  const samples = ['4GiB', '4 GiB', '1.25MB', '7', ' 3TB ', '4gib', 'GiB', '4 G', '1,5GB', '0x10'];
  for (const s of samples) assert.equal(parseSize(s) !== undefined, SIZE_PATTERN.test(s), s);
  assert.deepEqual(Object.keys(SIZE_UNITS).sort(), ['B', 'GB', 'GiB', 'KB', 'KiB', 'MB', 'MiB', 'TB', 'TiB']);
});

test('formatBytes uses binary units with at most three significant digits', () => {
  assert.equal(formatBytes(0), '0 B');
  assert.equal(formatBytes(900), '900 B');
  assert.equal(formatBytes(1024), '1 KiB');
  assert.equal(formatBytes(1536), '1.5 KiB');
  assert.equal(formatBytes(4 * 2 ** 30), '4 GiB');
  assert.equal(formatBytes(1.25 * 2 ** 30), '1.25 GiB');
  assert.equal(formatBytes(81559 * 2 ** 20), '79.6 GiB');
  assert.equal(formatBytes(512 * 2 ** 20), '512 MiB');
  assert.equal(formatBytes(3 * 2 ** 40), '3 TiB');
  assert.equal(formatBytes(4e9), '3.73 GiB');
  assert.equal(formatBytes(2 ** 20 - 1), '1 MiB');
  assert.equal(formatBytes(1023.7), '1 KiB');
  assert.equal(formatBytes(-2048), '-2 KiB');
});

test('formatBytes and parseSize round-trip for whole binary sizes', () => {
  for (const s of ['1KiB', '512MiB', '4GiB', '1.5GiB', '2TiB']) {
    assert.equal(parseSize(formatBytes(parseSize(s)!).replace(' ', '')), parseSize(s), s);
  }
});
