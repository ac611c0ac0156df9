/**
 * `one_hot`: integer, string or bool columns become float32 tensors of [classes], one 1 per row.
 * - Integers are their own class index: value k sets position k, so class 3 is the same position in every
 *   table (train, validation, test). Without `classes`, there are max + 1 of them.
 * - Strings have their distinct values in sorted order as classes (by code unit); bools false then true.
 * With `classes: n`, a value outside [0, n) (integers) or more than n distinct values (strings) is an
 * error, fewer leave the last positions unused. A null stays null.
 */
import { DataType, Float32, makeData, Vector, type Data, type Table } from 'apache-arrow';
import { numberReader, validReader, validityFromZero } from '../arrow/numeric-values.js';
import { columnChunks, fieldIndex, mapBatches } from '../arrow/table-parts.js';
import { tensorField, tensorType } from '../arrow/tensor-field.js';
import { DataError } from '../types.js';

export function oneHot(table: Table, spec: readonly string[] | Record<string, { classes?: number } | null>, step: string): Table {
  const entries: [string, number | undefined][] = Array.isArray(spec)
    ? spec.map((c) => [c, undefined])
    : Object.entries(spec as Record<string, { classes?: number } | null>).map(([c, o]) => [c, o?.classes === undefined ? undefined : Number(o.classes)]);
  let t = table;
  for (const [name, classes] of entries) t = oneHotColumn(t, name, classes, step);
  return t;
}

function oneHotColumn(table: Table, name: string, declared: number | undefined, step: string): Table {
  const index = fieldIndex(table, name);
  const field = table.schema.fields[index];
  const what = `step ${step}: one_hot '${name}'`;
  if (!field) throw new DataError(`${what}: no column '${name}' in the input`);
  const chunks = columnChunks(table, index);
  const type = field.type;
  let classOf: (chunk: Data) => (row: number) => number;
  let classes: number;
  if (DataType.isInt(type)) {
    let max = -1;
    for (const c of chunks) {
      const read = numberReader(c)!;
      const valid = validReader(c);
      for (let r = 0; r < c.length; r++) {
        if (!valid(r)) continue;
        const v = read(r);
        if (v < 0 || (declared !== undefined && v >= declared)) {
          throw new DataError(`${what}: value ${v} is not a class index${declared !== undefined ? ` in [0, ${declared})` : ' (integers must be 0 or more)'}`);
        }
        if (v > max) max = v;
      }
    }
    classes = declared ?? max + 1;
    classOf = (c) => numberReader(c)!;
  } else if (DataType.isBool(type)) {
    classes = declared ?? 2;
    classOf = (c) => numberReader(c)!;
  } else if (DataType.isUtf8(type) || DataType.isDictionary(type)) {
    const distinct = new Set<string>();
    for (const c of chunks) for (const v of new Vector([c])) if (v !== null && v !== undefined) distinct.add(String(v));
    const sorted = [...distinct].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    if (declared !== undefined && sorted.length > declared) {
      throw new DataError(`${what}: ${sorted.length} distinct values (${sorted.slice(0, 8).join(', ')}${sorted.length > 8 ? ', ...' : ''}) for ${declared} classes`);
    }
    classes = declared ?? sorted.length;
    const position = new Map(sorted.map((s, i) => [s, i]));
    classOf = (c) => {
      const v = new Vector([c]);
      return (r) => position.get(String(v.get(r)))!;
    };
  } else {
    throw new DataError(`${what}: the column is ${type}; one_hot takes integer, string or bool columns`);
  }
  if (classes < 1) throw new DataError(`${what}: there are no values to take classes from`);
  const outField = tensorField(name, 'float32', [classes], field.nullable);
  const outType = tensorType('float32', [classes]);
  const fields = table.schema.fields.map((f, i) => (i === index ? outField : f));
  return mapBatches(table, fields, (batch) => {
    const columns = batch.data.children.slice() as Data[];
    const c = columns[index]!;
    const values = new Float32Array(c.length * classes);
    const valid = validReader(c);
    const at = classOf(c);
    for (let r = 0; r < c.length; r++) {
      if (!valid(r)) continue;
      const k = at(r);
      if (!(k >= 0 && k < classes)) throw new DataError(`${what}: value ${k} is not a class index in [0, ${classes})`);
      values[r * classes + k] = 1;
    }
    const child = makeData({ type: new Float32(), length: values.length, data: values, nullCount: 0 });
    columns[index] = makeData({ type: outType, length: c.length, child, ...validityFromZero(c) } as never);
    return columns;
  });
}
