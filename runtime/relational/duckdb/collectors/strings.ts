/** Text columns: VARCHAR and BLOB read from DuckDB's string entries, and anything else as DuckDB prints it. */
import { Field, makeData, Utf8, type Binary } from 'apache-arrow';
import { utf8FromStrings } from '../../arrow/utf8.js';
import { GrowableBytes } from '../growable.js';
import type { DuckDBBindings } from '../session.js';
import { BATCHED, ValidityCollector, type Collector, type Sizing } from './collector.js';

/** VARCHAR and BLOB: 16-byte string_t entries, the bytes inline up to 12, else behind a pointer. */
export function stringCollector(name: string, type: Utf8 | Binary, bindings: DuckDBBindings, sizing: Sizing = BATCHED): Collector {
  const data = new GrowableBytes(1 << 16, sizing.shared);
  // Offsets go straight into the Int32Array the column keeps, sized for the batch (a DuckDB chunk may run
  // over by up to 2048 rows, and a batch may end early on MAX_BATCH_STRING_BYTES).
  const capacity = sizing.batchRows + 2049;
  const allocate = (n: number): Int32Array => new Int32Array(sizing.shared ? new SharedArrayBuffer(4 * n) : new ArrayBuffer(4 * n));
  let offsets = allocate(capacity);
  let n = 1;
  const validity = new ValidityCollector(bindings);
  return {
    field: new Field(name, type, true),
    add(vector, count) {
      if (n + count > offsets.length) {
        // After a batch, the next one's offsets are allocated at its size when rows come (most results have one).
        const grown = allocate(Math.max(2 * offsets.length, n + count, n === 1 ? capacity : 0));
        grown.set(offsets.subarray(0, n));
        offsets = grown;
      }
      const entries = bindings.vector_get_data(vector, count * 16);
      const view = new DataView(entries.buffer, entries.byteOffset, entries.byteLength);
      const valid = bindings.vector_get_validity(vector, Math.ceil(count / 64) * 8);
      for (let i = 0; i < count; i++) {
        if (!valid || ((valid[i >> 3]! >> (i & 7)) & 1) === 1) {
          const len = view.getUint32(i * 16, true);
          // Inline bytes are copied where they are; a view per value cost more than the copy.
          if (len <= 12) data.appendRange(entries, i * 16 + 4, len);
          else data.append(bindings.get_data_from_pointer(entries.buffer as ArrayBuffer, entries.byteOffset + i * 16 + 8, len));
        }
        offsets[n++] = data.length;
      }
      validity.add(vector, count);
    },
    heldBytes: () => data.length,
    finish() {
      const valueOffsets = offsets.subarray(0, n);
      if (n > 1) offsets = allocate(1);
      n = 1;
      // The bytes stay where they were collected: the buffer's unused end was never written, so costs no memory.
      const { buffer, length } = data.takeInPlace();
      return makeData({ type, length: valueOffsets.length - 1, valueOffsets, data: new Uint8Array(buffer, 0, length), ...validity.finish() } as never);
    },
  };
}

/** Values with no Arrow counterpart here, as text in DuckDB's own printed form. */
export function printedCollector(name: string): Collector {
  let strings: (string | null)[] = [];
  return {
    field: new Field(name, new Utf8(), true),
    add(_vector, count, chunk, column) {
      const v = chunk.getColumnVector(column);
      for (let i = 0; i < count; i++) {
        const item = v.getItem(i);
        strings.push(item === null ? null : String(item));
      }
    },
    finish() {
      const out = utf8FromStrings(strings);
      strings = [];
      return out;
    },
  };
}
