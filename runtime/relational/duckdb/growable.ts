/** An append-only byte buffer that doubles as it fills: the values of a column collected chunk by chunk. */
export class GrowableBytes {
  private bytes: Uint8Array;
  length = 0;

  constructor(capacity = 1 << 16) {
    this.bytes = new Uint8Array(capacity);
  }

  reserve(extra: number): void {
    if (this.length + extra <= this.bytes.length) return;
    let capacity = this.bytes.length * 2;
    while (capacity < this.length + extra) capacity *= 2;
    const next = new Uint8Array(capacity);
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
   * fresh one of the same capacity takes its place). For buffers sized to what they will hold.
   */
  takeInPlace(): { buffer: ArrayBuffer; length: number } {
    const out = { buffer: this.bytes.buffer as ArrayBuffer, length: this.length };
    this.bytes = new Uint8Array(this.bytes.length);
    this.length = 0;
    return out;
  }

  /** The bytes so far, in a buffer of their own (so views of any element type are aligned), and a reset. */
  take(): ArrayBuffer {
    const out = this.bytes.buffer.slice(0, this.length) as ArrayBuffer;
    this.length = 0;
    return out;
  }
}
