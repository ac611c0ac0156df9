/**
 * An append-only byte buffer that doubles as it fills: the values of a column collected chunk by chunk.
 * `shared` keeps the bytes in SharedArrayBuffers, which the join's worker threads read in place.
 */
const EMPTY = new Uint8Array(0);

export class GrowableBytes {
  private bytes: Uint8Array;
  length = 0;

  constructor(
    private readonly capacity = 1 << 16,
    private readonly shared = false,
  ) {
    this.bytes = this.allocate(capacity);
  }

  private allocate(capacity: number): Uint8Array {
    return new Uint8Array(this.shared ? new SharedArrayBuffer(capacity) : new ArrayBuffer(capacity));
  }

  reserve(extra: number): void {
    if (this.length + extra <= this.bytes.length) return;
    let capacity = Math.max(this.bytes.length * 2, this.capacity, 1);
    while (capacity < this.length + extra) capacity *= 2;
    const next = this.allocate(capacity);
    next.set(this.bytes.subarray(0, this.length));
    this.bytes = next;
  }

  append(src: Uint8Array): void {
    this.reserve(src.length);
    this.bytes.set(src, this.length);
    this.length += src.length;
  }

  /** Appends src[start, start + len) byte by byte: for many short values, cheaper than a view of each. */
  appendRange(src: Uint8Array, start: number, len: number): void {
    this.reserve(len);
    const bytes = this.bytes;
    const at = this.length;
    for (let i = 0; i < len; i++) bytes[at + i] = src[start + i]!;
    this.length += len;
  }

  /** Appends the bytes of a typed array (any element type). */
  appendView(view: ArrayBufferView): void {
    this.append(new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
  }

  /**
   * The bytes so far without a copy: the start of the current buffer, which is then left to the caller (a
   * fresh one of the first capacity is made when bytes come again). For buffers sized to what they will hold.
   */
  takeInPlace(): { buffer: ArrayBuffer; length: number } {
    // A SharedArrayBuffer is typed as an ArrayBuffer here: views over either read and write the same way.
    const out = { buffer: this.bytes.buffer as ArrayBuffer, length: this.length };
    this.bytes = EMPTY;
    this.length = 0;
    return out;
  }

  /** The bytes so far, in a buffer of their own (so views of any element type are aligned), and a reset. */
  take(): ArrayBuffer {
    // A buffer of the same kind: a SharedArrayBuffer slices into a SharedArrayBuffer.
    const out = this.bytes.buffer.slice(0, this.length) as ArrayBuffer;
    this.length = 0;
    return out;
  }
}
