/**
 * An IDX source (MNIST-style images and labels) as a table: `image`, a tensor column of the images' shape,
 * and `label`, int32, the same columns `dlc plan` shows for the source. The pixel buffer becomes the
 * tensor column's values as it is, without a copy.
 */
import { Field, Int32, makeData, type Data, type Table } from 'apache-arrow';
import { IdxFormatError, readIdx, type IdxArray } from '../../data/idx.js';
import { tensorType, tensorField, type TensorDtype, type TensorValues } from '../arrow/tensor-field.js';
import { tableOf } from '../arrow/table-parts.js';
import { scalarArrowType } from '../arrow/column-types.js';
import { DataError } from '../types.js';

export async function readIdxTable(images: string, labels?: string): Promise<Table> {
  let dataset;
  try {
    dataset = await readIdx(images, labels);
  } catch (e) {
    if (e instanceof IdxFormatError) throw new DataError(e.message, e.file);
    throw e;
  }
  const [count = 0, ...shape] = dataset.shape;
  const fields: Field[] = [];
  const columns: Data[] = [];
  if (shape.length === 0) {
    // A 1-d file is a column of scalars, as the inspector reports it.
    const type = scalarArrowType(dataset.dtype);
    fields.push(new Field('image', type, false));
    columns.push(makeData({ type, length: count, data: dataset.images as never, nullCount: 0 } as never));
  } else {
    const { dtype, values } = asTensorValues(dataset.images);
    const type = tensorType(dtype, shape);
    const child = makeData({ type: type.children[0]!.type, length: values.length, data: values, nullCount: 0 } as never);
    fields.push(tensorField('image', dtype, shape));
    columns.push(makeData({ type, length: count, child, nullCount: 0 }));
  }
  if (dataset.labels) {
    fields.push(new Field('label', new Int32(), false));
    columns.push(makeData({ type: new Int32(), length: count, data: dataset.labels, nullCount: 0 }));
  }
  return tableOf(fields, columns, count);
}

/** Tensor columns hold uint8, int32 or float32; the wider and signed IDX types map onto the nearest, as the inspector says. */
function asTensorValues(a: IdxArray): { dtype: TensorDtype; values: TensorValues } {
  if (a instanceof Uint8Array) return { dtype: 'uint8', values: a };
  if (a instanceof Int32Array) return { dtype: 'int32', values: a };
  if (a instanceof Float32Array) return { dtype: 'float32', values: a };
  if (a instanceof Float64Array) return { dtype: 'float32', values: Float32Array.from(a) };
  return { dtype: 'int32', values: Int32Array.from(a) };
}
