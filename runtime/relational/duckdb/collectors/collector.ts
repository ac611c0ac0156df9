/** What every column collector shares: the interface, DuckDB's raw vectors, and validity bits. */
import type { Data, Field } from 'apache-arrow';
import type { DuckDBDataChunk } from '@duckdb/node-api';
import type { DuckDBBindings } from '../session.js';

export type RawVector = Parameters<DuckDBBindings['vector_get_data']>[0];

/** Rows per Arrow record batch (DuckDB hands out 2048 at a time; a batch may run over by less than that). */
export const BATCH_ROWS = 1 << 16;

/**
 * How a result's columns are collected: rows per record batch, and whether buffers are SharedArrayBuffers.
 * A materialized result of known size is read as one batch of shared buffers (result-to-arrow.ts).
 */
export interface Sizing {
  batchRows: number;
  shared: boolean;
}

export const BATCHED: Sizing = { batchRows: BATCH_ROWS, shared: false };

/** Gathers one result column chunk by chunk and hands it out as one Arrow chunk per record batch. */
export interface Collector {
  field: Field;
  add(vector: RawVector, count: number, chunk: DuckDBDataChunk, column: number): void;
  finish(): Data;
  /** Bytes of variable-width values held for the current batch (strings), which must stay below 2 GiB. */
  heldBytes?(): number;
}

/** A batch ends early once a string column holds this much: Arrow's Utf8 offsets are 32-bit. */
export const MAX_BATCH_STRING_BYTES = 1 << 30;

/** Validity bits of a whole column: DuckDB's 64-bit words (LSB first, as Arrow's) appended chunk after chunk. */
export class ValidityCollector {
  private buffer = new Uint8Array(1 << 10);
  private length = 0;
  nullCount = 0;

  constructor(private readonly bindings: DuckDBBindings) {}

  add(vector: RawVector, count: number): void {
    const raw = this.bindings.vector_get_validity(vector, Math.ceil(count / 64) * 8);
    const start = this.length;
    // Bits are set only once a null has been seen: a column without nulls (most) needs no bitmap at all,
    // and setting 2048 bits a chunk one by one was a good part of reading one.
    if (this.nullCount === 0 && (!raw || allSet(raw, count))) {
      this.length += count;
      return;
    }
    if (this.nullCount === 0) this.setAll(start);
    this.grow(start + count);
    const bytes = this.buffer;
    for (let i = 0; i < count; i++) {
      const bit = start + i;
      if (!raw || ((raw[i >> 3]! >> (i & 7)) & 1) === 1) bytes[bit >> 3]! |= 1 << (bit & 7);
      else this.nullCount++;
    }
    this.length += count;
  }

  /** Marks bits [0, end) valid: the rows before the first null. */
  private setAll(end: number): void {
    this.grow(end);
    this.buffer.fill(0xff, 0, end >> 3);
    for (let bit = end & ~7; bit < end; bit++) this.buffer[bit >> 3]! |= 1 << (bit & 7);
  }

  private grow(bitLength: number): void {
    const need = (bitLength + 7) >> 3;
    if (need <= this.buffer.length) return;
    let capacity = this.buffer.length * 2;
    while (capacity < need) capacity *= 2;
    const next = new Uint8Array(capacity);
    next.set(this.buffer);
    this.buffer = next;
  }

  finish(): { nullBitmap?: Uint8Array; nullCount: number } {
    const out = this.nullCount > 0 ? { nullBitmap: this.buffer.slice(0, (this.length + 7) >> 3), nullCount: this.nullCount } : { nullCount: 0 };
    this.buffer = new Uint8Array(1 << 10);
    this.length = 0;
    this.nullCount = 0;
    return out;
  }
}

/** Whether the first `count` bits of a validity mask are all set. */
function allSet(raw: Uint8Array, count: number): boolean {
  const whole = count >> 3;
  for (let i = 0; i < whole; i++) if (raw[i] !== 0xff) return false;
  for (let bit = whole << 3; bit < count; bit++) if (((raw[bit >> 3]! >> (bit & 7)) & 1) === 0) return false;
  return true;
}

/** A typed view of raw bytes, copied first when DuckDB's buffer is not aligned for the element type. */
export const aligned = <T>(raw: Uint8Array, Ctor: new (b: ArrayBuffer, o: number, n: number) => T, n: number): T =>
  raw.byteOffset % 8 === 0 ? new Ctor(raw.buffer as ArrayBuffer, raw.byteOffset, n) : new Ctor(raw.slice().buffer as ArrayBuffer, 0, n);
