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
  /** `plan`: the planner's decision; `spec`: the step's explicit strategy; `runtime`: chooseJoinStrategy's rule. */
  chosenBy: 'plan' | 'spec' | 'runtime';
  reason: string;
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
