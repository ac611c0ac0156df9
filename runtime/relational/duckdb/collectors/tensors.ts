/** Fixed-size ARRAY columns of numbers (nested for more dimensions) as flat tensor columns. */
import { makeData } from 'apache-arrow';
import type { DuckDBType } from '@duckdb/node-api';
import { tensorField, tensorType, type TensorDtype } from '../../arrow/tensor-field.js';
import { GrowableBytes } from '../growable.js';
import type { DuckDBApi, DuckDBBindings } from '../session.js';
import { aligned, ValidityCollector, type Collector } from './collector.js';

/** Nested fixed-size arrays of numbers as one flat tensor column: shape outermost first. */
export function arrayCollector(name: string, t: DuckDBType, api: DuckDBApi, bindings: DuckDBBindings): Collector | undefined {
  const Id = api.DuckDBTypeId;
  const shape: number[] = [];
  let leaf: DuckDBType = t;
  while (leaf.typeId === Id.ARRAY) {
    const a = leaf as unknown as { valueType: DuckDBType; length: number };
    shape.push(a.length);
    leaf = a.valueType;
  }
  const element = tensorElement(leaf.typeId, Id);
  if (!element) return undefined;
  const size = shape.reduce((x, y) => x * y, 1);
  const values = new GrowableBytes();
  const validity = new ValidityCollector(bindings);
  const elementValidity = new ValidityCollector(bindings);
  const type = tensorType(element.dtype, shape);
  return {
    field: tensorField(name, element.dtype, shape, true),
    add(vector, count) {
      let child = vector;
      for (let d = 0; d < shape.length; d++) child = bindings.array_vector_get_child(child);
      const raw = bindings.vector_get_data(child, count * size * element.bytes);
      values.appendView(element.convert(raw, count * size));
      validity.add(vector, count);
      elementValidity.add(child, count * size);
    },
    finish() {
      const rows = validity.finish();
      const elements = elementValidity.finish();
      const buffer = values.take();
      const data = element.view(buffer);
      const child = makeData({ type: type.children[0]!.type, length: data.length, data, ...elements } as never);
      return makeData({ type, length: data.length / size, child, ...rows } as never);
    },
  };
}

interface TensorElement {
  dtype: TensorDtype;
  bytes: number;
  convert: (raw: Uint8Array, n: number) => ArrayBufferView;
  view: (b: ArrayBuffer) => Uint8Array | Int32Array | Float32Array;
}

function tensorElement(id: number, Id: DuckDBApi['DuckDBTypeId']): TensorElement | undefined {
  const asIs = (raw: Uint8Array): Uint8Array => raw;
  const toInt32 = <T extends ArrayLike<number | bigint>>(Ctor: new (b: ArrayBuffer, o: number, n: number) => T) => (raw: Uint8Array, n: number) =>
    Int32Array.from(aligned(raw, Ctor, n) as ArrayLike<number>, Number);
  const int32View = (b: ArrayBuffer) => new Int32Array(b);
  switch (id) {
    case Id.FLOAT: return { dtype: 'float32', bytes: 4, convert: asIs, view: (b) => new Float32Array(b) };
    case Id.DOUBLE: return { dtype: 'float32', bytes: 8, convert: (raw, n) => Float32Array.from(aligned(raw, Float64Array, n)), view: (b) => new Float32Array(b) };
    case Id.UTINYINT: return { dtype: 'uint8', bytes: 1, convert: asIs, view: (b) => new Uint8Array(b) };
    case Id.INTEGER: return { dtype: 'int32', bytes: 4, convert: asIs, view: int32View };
    case Id.TINYINT: return { dtype: 'int32', bytes: 1, convert: toInt32(Int8Array), view: int32View };
    case Id.SMALLINT: return { dtype: 'int32', bytes: 2, convert: toInt32(Int16Array), view: int32View };
    case Id.USMALLINT: return { dtype: 'int32', bytes: 2, convert: toInt32(Uint16Array), view: int32View };
    case Id.UINTEGER: return { dtype: 'int32', bytes: 4, convert: toInt32(Uint32Array), view: int32View };
    case Id.BIGINT: return { dtype: 'int32', bytes: 8, convert: toInt32(BigInt64Array), view: int32View };
    default: return undefined;
  }
}
