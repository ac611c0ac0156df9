/**
 * Tensor columns: a FixedSizeList of uint8, int32 or float32 holding product(shape) values per row, with the
 * shape as JSON in the field metadata under `dlc.shape`. The list itself is flat so a column of images is one
 * contiguous typed array, which is what the batch reader hands to training without copying.
 */
import { DataType, Field, FixedSizeList, Float32, Int32, Precision, Uint8, type Data } from 'apache-arrow';

export const SHAPE_METADATA_KEY = 'dlc.shape';

export type TensorDtype = 'uint8' | 'int32' | 'float32';
export type TensorValues = Uint8Array | Int32Array | Float32Array;

export const elementCount = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

export function tensorElementType(dtype: TensorDtype): Uint8 | Int32 | Float32 {
  return dtype === 'uint8' ? new Uint8() : dtype === 'int32' ? new Int32() : new Float32();
}

export function tensorType(dtype: TensorDtype, shape: readonly number[]): FixedSizeList {
  return new FixedSizeList(elementCount(shape), new Field('item', tensorElementType(dtype), false));
}

export function tensorField(name: string, dtype: TensorDtype, shape: readonly number[], nullable = false): Field {
  return new Field(name, tensorType(dtype, shape), nullable, new Map([[SHAPE_METADATA_KEY, JSON.stringify(shape)]]));
}

/** The shape a tensor field declares; a FixedSizeList without metadata is one-dimensional. Undefined for other fields. */
export function tensorShape(field: Field): number[] | undefined {
  if (!DataType.isFixedSizeList(field.type)) return undefined;
  const declared = field.metadata.get(SHAPE_METADATA_KEY);
  if (declared !== undefined) {
    try {
      const shape: unknown = JSON.parse(declared);
      if (Array.isArray(shape) && shape.every((d) => Number.isInteger(d) && d > 0) && elementCount(shape) === field.type.listSize) return shape as number[];
    } catch {
      // Unreadable metadata: the list's own size is still a valid one-dimensional shape.
    }
  }
  return [field.type.listSize];
}

/** The element type of a tensor field, when it is one of the three tensor dtypes. */
export function tensorDtype(field: Field): TensorDtype | undefined {
  if (!DataType.isFixedSizeList(field.type)) return undefined;
  const t = field.type.valueType;
  if (DataType.isFloat(t) && t.precision === Precision.SINGLE) return 'float32';
  if (DataType.isInt(t) && t.bitWidth === 8 && !t.isSigned) return 'uint8';
  if (DataType.isInt(t) && t.bitWidth === 32 && t.isSigned) return 'int32';
  return undefined;
}

export const isTensorField = (field: Field): boolean => tensorDtype(field) !== undefined;

/** The same field with another name, keeping type, nullability and metadata. */
export const renamedField = (field: Field, name: string): Field => new Field(name, field.type, field.nullable, field.metadata);

/**
 * The values of one chunk of a tensor column as a typed array of rows × elements, starting at the chunk's
 * first row: a view when the layout allows (Arrow slices the child, so its values already start there).
 */
export function tensorChunkValues(data: Data): TensorValues {
  const child = data.children[0];
  if (!child || !DataType.isFixedSizeList(data.type)) throw new Error('not a tensor column chunk');
  // Buffers read from IPC keep their padding, so the view is cut to exactly this chunk's rows.
  return (child.values as TensorValues).subarray(0, data.length * data.type.listSize);
}
