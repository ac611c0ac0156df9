/**
 * The spec's column types (compiler/spec/columns.ts) as Arrow types and back. Timestamps are microseconds
 * without a zone and dates are days, as DuckDB keeps them, so values cross between the two unchanged.
 */
import {
  Bool, DataType, DateDay, Field, Float32, Float64, Int16, Int32, Int64, Int8, Precision, TimestampMicrosecond, Uint8, Utf8, util,
} from 'apache-arrow';
import type { ColumnType } from '../../../compiler/spec/columns.js';
import type { ScalarType } from '../../../compiler/spec/vocabulary.js';
import { tensorDtype, tensorField, tensorShape } from './tensor-field.js';

export function scalarArrowType(type: ScalarType): DataType {
  switch (type) {
    case 'bool': return new Bool();
    case 'int8': return new Int8();
    case 'int16': return new Int16();
    case 'int32': return new Int32();
    case 'int64': return new Int64();
    case 'uint8': return new Uint8();
    case 'float32': return new Float32();
    case 'float64': return new Float64();
    case 'string': return new Utf8();
    case 'date': return new DateDay();
    case 'timestamp': return new TimestampMicrosecond();
  }
}

/** The field a column of this type is stored in. */
export function fieldFor(name: string, type: ColumnType, nullable = true): Field {
  if (typeof type !== 'string') return tensorField(name, type.tensor, type.shape, nullable);
  return new Field(name, scalarArrowType(type), nullable);
}

/**
 * The column type of an Arrow field; undefined for types that have none (lists, structs, binary, times):
 * those are carried as they are, and readers turn them into text where the compiler expects text.
 */
export function columnTypeOf(field: Field): ColumnType | undefined {
  const t = field.type;
  if (DataType.isFixedSizeList(t)) {
    const dtype = tensorDtype(field);
    const shape = tensorShape(field);
    return dtype && shape ? { tensor: dtype, shape } : undefined;
  }
  if (DataType.isDictionary(t)) return columnTypeOf(new Field(field.name, t.dictionary, field.nullable));
  if (DataType.isBool(t)) return 'bool';
  if (DataType.isInt(t)) {
    if (t.isSigned) return t.bitWidth === 8 ? 'int8' : t.bitWidth === 16 ? 'int16' : t.bitWidth === 32 ? 'int32' : 'int64';
    return t.bitWidth === 8 ? 'uint8' : undefined;
  }
  if (DataType.isFloat(t)) return t.precision === Precision.SINGLE ? 'float32' : t.precision === Precision.DOUBLE ? 'float64' : undefined;
  if (DataType.isUtf8(t)) return 'string';
  if (DataType.isDate(t)) return 'date';
  if (DataType.isTimestamp(t)) return 'timestamp';
  return undefined;
}

/** True when values of the field already have exactly the storage `fieldFor(type)` gives. */
export function hasStorageOf(field: Field, type: ColumnType): boolean {
  const expected = fieldFor(field.name, type);
  if (typeof type !== 'string') {
    const shape = tensorShape(field);
    return tensorDtype(field) === type.tensor && shape !== undefined && shape.join(',') === type.shape.join(',');
  }
  return util.compareTypes(field.type, expected.type);
}

export const isNumericField = (field: Field): boolean => DataType.isInt(field.type) || DataType.isFloat(field.type) || DataType.isDecimal(field.type);
