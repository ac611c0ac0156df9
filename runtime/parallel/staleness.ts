/**
 * Stale synchronous parallel (Ho et al., NIPS 2013) as a table of clocks: a member's clock counts the
 * steps whose gradients the server has applied; a member may start step c only while the slowest member
 * still training has reached c − bound. Bound 0 is lock-step; no bound (null) is fully asynchronous. A
 * member that has finished its pass no longer holds the others back.
 */
export class ClockTable {
  private readonly clocks: number[];
  private readonly finished: boolean[];
  private widest = 0;

  constructor(
    members: number,
    readonly bound: number | null,
  ) {
    this.clocks = new Array<number>(members).fill(0);
    this.finished = new Array<boolean>(members).fill(false);
  }

  /** `member`'s step has been applied. */
  tick(member: number): void {
    this.clocks[member]!++;
  }

  finish(member: number): void {
    this.finished[member] = true;
  }

  clock(member: number): number {
    return this.clocks[member]!;
  }

  allFinished(): boolean {
    return this.finished.every(Boolean);
  }

  /** The slowest clock among members still training (Infinity when none is). */
  slowest(): number {
    let min = Infinity;
    this.clocks.forEach((c, m) => {
      if (!this.finished[m]) min = Math.min(min, c);
    });
    return min;
  }

  /** Whether `member` may start its step number `clock` now. */
  mayStart(clock: number): boolean {
    return this.bound === null || clock - this.slowest() <= this.bound;
  }

  /** Records that a member started step `clock`; returns how far ahead of the slowest it was. */
  started(clock: number): number {
    const slowest = this.slowest();
    const gap = Number.isFinite(slowest) ? Math.max(0, clock - slowest) : 0;
    this.widest = Math.max(this.widest, gap);
    return gap;
  }

  /** The widest gap any member started a step with. */
  widestGap(): number {
    return this.widest;
  }
}
