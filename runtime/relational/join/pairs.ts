import { scratchInt32 } from './scratch-buffers.js';

/**
 * Matched row pairs as two growing index columns; -1 stands for the missing side of an unmatched row.
 * The arrays are the thread's reused scratch: one PairBuffer at a time, read before the next is made.
 */
export class PairBuffer {
  probe: Int32Array;
  build: Int32Array;
  length = 0;

  constructor(capacity = 1024) {
    this.probe = scratchInt32('pairs.probe', Math.max(16, capacity));
    this.build = scratchInt32('pairs.build', Math.max(16, capacity));
  }

  push(probe: number, build: number): void {
    if (this.length === this.probe.length) this.reserve(this.length + 1);
    this.probe[this.length] = probe;
    this.build[this.length++] = build;
  }

  /** Room for at least `n` pairs, the first `length` kept. */
  reserve(n: number): void {
    if (n <= this.probe.length) return;
    const cap = Math.max(n, this.probe.length * 2);
    const p = new Int32Array(cap);
    p.set(this.probe);
    const b = new Int32Array(cap);
    b.set(this.build);
    this.probe = p;
    this.build = b;
  }
}
