/** Matched row pairs as two growing index columns; -1 stands for the missing side of an unmatched row. */
export class PairBuffer {
  probe: Int32Array;
  build: Int32Array;
  length = 0;

  constructor(capacity = 1024) {
    this.probe = new Int32Array(Math.max(16, capacity));
    this.build = new Int32Array(Math.max(16, capacity));
  }

  push(probe: number, build: number): void {
    if (this.length === this.probe.length) this.grow();
    this.probe[this.length] = probe;
    this.build[this.length++] = build;
  }

  private grow(): void {
    const cap = this.probe.length * 2;
    const p = new Int32Array(cap);
    p.set(this.probe);
    const b = new Int32Array(cap);
    b.set(this.build);
    this.probe = p;
    this.build = b;
  }
}
