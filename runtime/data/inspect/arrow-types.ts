import { createRequire } from 'node:module';
import type { ColumnType } from '../../../compiler/spec/columns.js';

type ArrowModule = typeof import('apache-arrow');
type ArrowFileMetadata = typeof import('apache-arrow/ipc/metadata/file');
type DataType = import('apache-arrow').DataType;

export interface ArrowRuntime {
  arrow: ArrowModule;
  Footer: ArrowFileMetadata['Footer'];
}

let loaded: ArrowRuntime | undefined;

/**
 * apache-arrow costs ~100 ms to load, so it is required only when a source actually needs it: `dlc lint` on
 * a spec without Arrow sources never pays. `require` rather than `import()` because inspection is
 * synchronous; the package ships a CommonJS build for exactly this.
 */
export function loadArrow(): ArrowRuntime {
  if (!loaded) {
    const require = createRequire(import.meta.url);
    loaded = {
      arrow: require('apache-arrow') as ArrowModule,
      Footer: (require('apache-arrow/ipc/metadata/file') as ArrowFileMetadata).Footer,
    };
  }
  return loaded;
}

type TensorDtype = Extract<ColumnType, { tensor: string }>['tensor'];

/**
 * Our column type for an Arrow type. Types without a counterpart (variable lists, structs, maps, unions,
 * binary, times, intervals) are read as text, which is what they become when exported to CSV.
 */
export function arrowColumnType(type: DataType, runtime: ArrowRuntime = loadArrow()): ColumnType {
  const { arrow } = runtime;
  const { DataType: T, Precision } = arrow;
  if (T.isDictionary(type)) return arrowColumnType(type.dictionary, runtime);
  if (T.isBool(type)) return 'bool';
  if (T.isInt(type)) {
    if (type.isSigned) return type.bitWidth === 8 ? 'int8' : type.bitWidth === 16 ? 'int16' : type.bitWidth === 32 ? 'int32' : 'int64';
    // Unsigned types widen to the next signed one that holds every value; uint64 has none and stays int64.
    return type.bitWidth === 8 ? 'uint8' : type.bitWidth === 16 ? 'int32' : 'int64';
  }
  if (T.isFloat(type)) return type.precision === Precision.DOUBLE ? 'float64' : 'float32';
  if (T.isDecimal(type)) return 'float64';
  if (T.isDate(type)) return 'date';
  if (T.isTimestamp(type)) return 'timestamp';
  if (T.isFixedSizeList(type)) {
    const tensor = fixedSizeListTensor(type, arrow);
    if (tensor) return tensor;
  }
  return 'string';
}

/** FixedSizeList<float32, n> → float32[n]; nested fixed-size lists give a multi-dimensional shape. */
function fixedSizeListTensor(type: DataType, arrow: ArrowModule): Extract<ColumnType, { tensor: string }> | undefined {
  const shape: number[] = [];
  let inner: DataType = type;
  while (arrow.DataType.isFixedSizeList(inner)) {
    shape.push(inner.listSize);
    inner = inner.valueType;
  }
  const dtype = tensorDtype(inner, arrow);
  return dtype ? { tensor: dtype, shape } : undefined;
}

/** Tensor columns hold uint8, int32 or float32; other numeric element types are mapped onto those. */
function tensorDtype(type: DataType, arrow: ArrowModule): TensorDtype | undefined {
  if (arrow.DataType.isFloat(type)) return 'float32';
  if (arrow.DataType.isInt(type)) return !type.isSigned && type.bitWidth === 8 ? 'uint8' : 'int32';
  return undefined;
}
