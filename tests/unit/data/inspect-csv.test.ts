import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { inspectSource } from '../../../runtime/data/inspect/index.js';
import { scanCsvRecords } from '../../../runtime/data/inspect/csv-records.js';
import { assertOk, assertProblem, makeTempDir } from './fixtures.js';

const dir = makeTempDir('csv');
after(() => dir.remove());

test('csv: types inferred from the header and sampled rows; empty fields are nulls', () => {
  const file = dir.write(
    'types.csv',
    [
      'id,price,ok,day,at,name,empty',
      '1,2.5,true,2024-01-31,2024-01-31T10:00:00Z,"Smith, John",',
      '2,3,FALSE,2024-02-01,2024-02-01 11:30:00,"say ""hi""",',
      '3,,true,,2024-02-02T12:00:00.123+01:00,"two',
      'lines",',
    ].join('\n') + '\n',
  );
  const stats = assertOk(inspectSource({ format: 'csv', path: file }));
  assert.deepEqual(stats.schema, [
    { name: 'id', type: 'int64' },
    { name: 'price', type: 'float64', nullable: true },
    { name: 'ok', type: 'bool' },
    { name: 'day', type: 'date', nullable: true },
    { name: 'at', type: 'timestamp' },
    { name: 'name', type: 'string' },
    { name: 'empty', type: 'string', nullable: true },
  ]);
  assert.equal(stats.schemaFrom, 'csv header + 3 sampled rows');
  assert.equal(stats.rows, undefined);
  assert.deepEqual(stats.files, [{ path: file, bytes: stats.bytes }]);
  assert.ok(stats.bytes > 100);
});

test('csv: other delimiters, CRLF line ends and a byte-order mark', () => {
  const semi = dir.write('semi.csv', '\ufeffa;b\r\n1;x\r\n2;"y;z"\r\n');
  assert.deepEqual(assertOk(inspectSource({ format: 'csv', path: semi, delimiter: ';' })).schema, [
    { name: 'a', type: 'int64' },
    { name: 'b', type: 'string' },
  ]);
  const tsv = dir.write('tabs.tsv', 'a\tb\n1.5\t2020-01-01\n');
  assert.deepEqual(assertOk(inspectSource({ format: 'csv', path: tsv, delimiter: '\t' })).schema, [
    { name: 'a', type: 'float64' },
    { name: 'b', type: 'date' },
  ]);
});

test('csv: header false names columns column0..N and samples the first line too', () => {
  const file = dir.write('noheader.csv', '1,a,true\n2,b,false\n');
  const stats = assertOk(inspectSource({ format: 'csv', path: file, header: false }));
  assert.deepEqual(stats.schema, [
    { name: 'column0', type: 'int64' },
    { name: 'column1', type: 'string' },
    { name: 'column2', type: 'bool' },
  ]);
  assert.equal(stats.schemaFrom, 'csv (no header) + 2 sampled rows');
});

test('csv: mixed values widen: ints and floats to float64, dates and timestamps to timestamp, else string', () => {
  const file = dir.write('mixed.csv', 'n,t,s,big\n1,2024-01-01,1,9223372036854775807\n2.5,2024-01-01T00:00:00,x,99999999999999999999\n');
  assert.deepEqual(assertOk(inspectSource({ format: 'csv', path: file })).schema, [
    { name: 'n', type: 'float64' },
    { name: 't', type: 'timestamp' },
    { name: 's', type: 'string' },
    { name: 'big', type: 'float64' },
  ]);
});

test('csv: blank and repeated header names get names of their own', () => {
  const file = dir.write('names.csv', 'a,,a,a\n1,2,3,4\n');
  assert.deepEqual(
    assertOk(inspectSource({ format: 'csv', path: file })).schema?.map((c) => c.name),
    ['a', 'column1', 'a_1', 'a_2'],
  );
});

test('csv: only the first ~1 MiB is read, and a row cut by that limit is not sampled', () => {
  // 1000 sampled rows come from the head; a text value far beyond it does not change the inferred type.
  const rows = Array.from({ length: 200_000 }, (_, i) => `${i},${i * 0.5}`);
  rows.push('not-a-number,x');
  const file = dir.write('big.csv', `a,b\n${rows.join('\n')}\n`);
  const start = performance.now();
  const stats = assertOk(inspectSource({ format: 'csv', path: file }));
  assert.ok(performance.now() - start < 1000, 'inspection should not read the whole file');
  assert.deepEqual(stats.schema, [
    { name: 'a', type: 'int64' },
    { name: 'b', type: 'float64' },
  ]);
  assert.equal(stats.schemaFrom, 'csv header + 1000 sampled rows');

  // Few, long rows: the head ends inside a row, which is dropped rather than read as a short row.
  const long = Array.from({ length: 30 }, (_, i) => `${i},${'x'.repeat(100_000)}`);
  const cut = dir.write('long-rows.csv', `id,text\n${long.join('\n')}\n`);
  const cutStats = assertOk(inspectSource({ format: 'csv', path: cut }));
  assert.match(cutStats.schemaFrom ?? '', /^csv header \+ 10 sampled rows$/);
});

test('csv corrupt: a row with the wrong number of fields, naming file and line', () => {
  const file = dir.write('ragged.csv', 'a,b\n1,2\n3,4,5\n');
  assertProblem(inspectSource({ format: 'csv', path: file }), 'corrupt', file, 'line 3 has 3 fields', 'header has 2');
  // The wrong delimiter shows up the same way, and the message says which delimiter was used.
  const semi = dir.write('semi-read-as-comma.csv', 'a;b;c\n1;2;3\nx,y;4;5\n');
  assertProblem(inspectSource({ format: 'csv', path: semi }), 'corrupt', semi, 'line 3 has 2 fields', 'delimiter ","');
});

test('csv corrupt: an unclosed quote and an empty file', () => {
  const open = dir.write('open-quote.csv', 'a,b\n1,"never closed\n2,3\n');
  assertProblem(inspectSource({ format: 'csv', path: open }), 'corrupt', open, 'line 2', 'quoted field is never closed');
  const empty = dir.write('empty.csv', '');
  assertProblem(inspectSource({ format: 'csv', path: empty }), 'corrupt', empty, 'no header');
});

test('csv missing: a plain path that does not exist', () => {
  const file = `${dir.path}/nope.csv`;
  assertProblem(inspectSource({ format: 'csv', path: file }), 'missing', file, 'does not exist');
});

test('scanCsvRecords: quotes, escaped quotes, newlines in quotes, blank lines, line numbers', () => {
  const scan = scanCsvRecords('a,"b ""c""",d\n\n"x\ny",z,\n', ',', 100, false);
  assert.deepEqual(scan.records, [
    { fields: ['a', 'b "c"', 'd'], line: 1 },
    { fields: ['x\ny', 'z', ''], line: 3 },
  ]);
  // The head of a longer file: the last record has no line end and is dropped.
  assert.deepEqual(scanCsvRecords('a,b\n1,2\n3,', ',', 100, true).records.length, 2);
  assert.equal(scanCsvRecords('a\n"open', ',', 100, false).openQuoteLine, 2);
  assert.equal(scanCsvRecords('a\n"open', ',', 100, true).openQuoteLine, undefined);
});
