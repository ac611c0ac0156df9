/**
 * What a join did, for the run's events and for benchmarks: the strategy and who chose it, the build
 * side, partitions, rows, and the bytes that moved between workers, by cause. "Moved" counts what a
 * worker needed from rows another worker held: the build side sent to every other worker (broadcast),
 * rows sent to the worker owning their partition (shuffle, range), partial Bloom filters and match
 * flags gathered and sent back. Worker threads read shared memory, so here these are copies between
 * threads, not network traffic, but the same count a multi-machine run would send.
 */
import type { JoinStrategy } from './join-spec.js';
import type { JoinHow, Side } from './match-rules.js';

export interface JoinStats {
  strategy: JoinStrategy;
  /**
   * `plan`: the planner's decision; `spec`: the step's explicit strategy (no plan); `model`: no plan, so
   * the planner's cost model over the inputs' measured sizes (decide.ts).
   */
  chosenBy: 'plan' | 'spec' | 'model';
  reason: string;
  /** For a plan's automatic choice: what the cost model says at the sizes the inputs actually have. */
  check?: PlanCheck;
  how: JoinHow;
  workers: number;
  buildSide: Side;
  partitions: number;
  rows: { left: number; right: number; output: number };
  /** Bytes of the inputs' columns as the join holds them. */
  inputBytes: { left: number; right: number };
  bytesMoved: number;
  bytesMovedBy: Record<string, number>;
  bloom: { used: boolean; decidedBy: 'spec' | 'runtime'; bytes: number; rowsRejected: number; reason: string };
  /** HyperLogLog estimates of distinct non-null keys, when the join sketched them. */
  distinctKeys?: { left: number; right: number; both: number };
  /** Wall time of each round, and the CPU time the whole process spent meanwhile (all threads), ms. */
  phases: { name: string; ms: number; cpuMs: number }[];
}

export interface SideSizes {
  rows: number | null;
  bytes: number | null;
}

/** The plan's join decision set against the sizes the runtime met (decide.ts). */
export interface PlanCheck {
  /** What the planner estimated (null where it did not know). */
  planned: { left: SideSizes; right: SideSizes };
  actual: { left: SideSizes; right: SideSizes };
  /** The cost model's choice at the actual sizes. */
  strategy: JoinStrategy;
  buildSide: Side;
  /** Whether that is the plan's choice. Either way the join runs as the plan says. */
  agrees: boolean;
  note: string;
}

export class PhaseClock {
  readonly phases: { name: string; ms: number; cpuMs: number }[] = [];
  private last = performance.now();
  private lastCpu = process.cpuUsage();

  lap(name: string): void {
    const now = performance.now();
    const cpu = process.cpuUsage(this.lastCpu);
    this.phases.push({ name, ms: Math.round((now - this.last) * 100) / 100, cpuMs: Math.round((cpu.user + cpu.system) / 10) / 100 });
    this.last = now;
    this.lastCpu = process.cpuUsage();
  }
}
