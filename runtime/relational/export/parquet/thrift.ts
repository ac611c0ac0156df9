/**
 * Thrift's compact protocol, write side only, for Parquet's page headers and file footer: structs are
 * written as lists of fields in ascending id order, each a header (the id's delta and the type) and a
 * value. Only the types Parquet's metadata uses are here.
 */

/** The compact protocol's type codes. */
const Kind = { I32: 5, I64: 6, BINARY: 8, LIST: 9, STRUCT: 12 } as const;
type Kind = (typeof Kind)[keyof typeof Kind];

/** A field value: an i32 or i64 (`{ i64 }`), a string, a list of one kind, or a struct. */
export type ThriftValue = number | { i64: number } | string | ThriftList | ThriftStruct;
export interface ThriftList {
  list: ThriftValue[];
  of: 'i32' | 'string' | 'struct';
}
/** A struct as [field id, value] pairs; undefined values are left out. */
export interface ThriftStruct {
  fields: [number, ThriftValue | undefined][];
}

export const i64 = (n: number): { i64: number } => ({ i64: n });
export const struct = (...fields: [number, ThriftValue | undefined][]): ThriftStruct => ({ fields });
export const list = (of: ThriftList['of'], items: ThriftValue[]): ThriftList => ({ list: items, of });

const encoder = new TextEncoder();

export class ThriftWriter {
  private bytes: number[] = [];

  /** The bytes written so far. */
  finish(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }

  writeStruct(s: ThriftStruct): void {
    let last = 0;
    for (const [id, value] of s.fields) {
      if (value === undefined) continue;
      const kind = kindOf(value);
      const delta = id - last;
      if (delta > 0 && delta <= 15) this.bytes.push((delta << 4) | kind);
      else {
        this.bytes.push(kind);
        this.varint(zigzag(id));
      }
      last = id;
      this.value(value, kind);
    }
    this.bytes.push(0);
  }

  private value(v: ThriftValue, kind: Kind): void {
    switch (kind) {
      case Kind.I32:
        this.varint(zigzag(v as number));
        return;
      case Kind.I64:
        this.varint(zigzag((v as { i64: number }).i64));
        return;
      case Kind.BINARY: {
        const b = encoder.encode(v as string);
        this.varint(b.length);
        for (const x of b) this.bytes.push(x);
        return;
      }
      case Kind.LIST: {
        const l = v as ThriftList;
        const elem = l.of === 'i32' ? Kind.I32 : l.of === 'string' ? Kind.BINARY : Kind.STRUCT;
        if (l.list.length < 15) this.bytes.push((l.list.length << 4) | elem);
        else {
          this.bytes.push(0xf0 | elem);
          this.varint(l.list.length);
        }
        for (const item of l.list) {
          if (elem === Kind.STRUCT) this.writeStruct(item as ThriftStruct);
          else this.value(item, elem);
        }
        return;
      }
      case Kind.STRUCT:
        this.writeStruct(v as ThriftStruct);
        return;
    }
  }

  /** Unsigned LEB128; numbers up to 2^53, through division rather than 32-bit shifts. */
  private varint(n: number): void {
    while (n >= 0x80) {
      this.bytes.push((n % 0x80) | 0x80);
      n = Math.floor(n / 0x80);
    }
    this.bytes.push(n);
  }
}

/** Zigzag of a signed integer up to 2^52 in magnitude, as a non-negative number. */
const zigzag = (n: number): number => (n >= 0 ? 2 * n : -2 * n - 1);

function kindOf(v: ThriftValue): Kind {
  if (typeof v === 'number') return Kind.I32;
  if (typeof v === 'string') return Kind.BINARY;
  if ('i64' in v) return Kind.I64;
  if ('list' in v) return Kind.LIST;
  return Kind.STRUCT;
}

export function encodeStruct(s: ThriftStruct): Uint8Array {
  const w = new ThriftWriter();
  w.writeStruct(s);
  return w.finish();
}
