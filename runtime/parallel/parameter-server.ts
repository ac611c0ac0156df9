/**
 * The parameter server, hosted by member 0 of the group next to its own training (the driver loads no
 * TensorFlow.js). Members push gradients; the server applies them with the one optimizer that matters and
 * answers each push with the current weights once the member may go on:
 *
 * - `sync`: one update per step from all members' gradients (count-weighted mean, as all-reduce), then
 *   every member gets the new weights. Every mini-batch goes through the server's link: the star's cost.
 * - `async` (HOGWILD-style): every push is applied as it arrives and answered at once; members never
 *   wait for each other, and a gradient may be applied to weights several updates newer than the ones it
 *   was computed on.
 * - `ssp`: as async, but a member is answered (let start its next step) only while it is at most
 *   `staleness` steps ahead of the slowest member still training (staleness.ts).
 *
 * Wire format: a push is [kind, step, version read, example count, ...count × gradient]; an answer is
 * [version, ...weights]. Versions count the server's updates in this pass.
 */
import type { Variable } from '@tensorflow/tfjs-core';
import type { Tf } from '../engine/index.js';
import type { Trainer } from '../training/trainer.js';
import { flattenInto, type Layout } from './flat-values.js';
import type { StalenessRecord } from './group-pass.js';
import { applyMeanGradient } from './local-step.js';
import { CHANNEL, type Mesh } from './mesh.js';
import { ClockTable } from './staleness.js';

export type ServerMode = 'sync' | 'async' | 'ssp';

export const PUSH_HEADER = 4;
export const PUSH_STEP = 0;
export const PUSH_DONE = 1;

export class ParameterServer {
  private version = 0;
  private readonly clocks: ClockTable;
  /** Members waiting to be let start step `clock`. */
  private held: { member: number; clock: number }[] = [];
  private localWaiter: (() => void) | undefined;
  private readonly round: { sum: Float32Array; count: number; arrived: number };
  private maxLag = 0;
  private updates = 0;

  constructor(
    private readonly tf: Tf,
    private readonly trainer: Trainer,
    private readonly variables: readonly Variable[],
    private readonly layout: Layout,
    private readonly mesh: Mesh,
    private readonly mode: ServerMode,
    bound: number | null,
  ) {
    this.clocks = new ClockTable(mesh.size, mode === 'sync' ? 0 : mode === 'async' ? null : bound);
    this.round = { sum: new Float32Array(layout.total), count: 0, arrived: 0 };
  }

  /** The weights' version (updates applied so far). */
  current(): number {
    return this.version;
  }

  /** Serves every other member until each has said it is done. */
  async serve(): Promise<void> {
    const loops: Promise<void>[] = [];
    for (let member = 0; member < this.mesh.size; member++) {
      if (member === this.mesh.rank) continue;
      loops.push(
        (async () => {
          for (;;) {
            const message = await this.mesh.receive(member, CHANNEL.push);
            if (message[0] === PUSH_DONE) {
              this.finish(member);
              return;
            }
            this.push(member, message);
          }
        })(),
      );
    }
    await Promise.all(loops);
  }

  /** The server's own member pushes; resolves when it may start its next step. */
  pushLocal(message: Float32Array): Promise<void> {
    return new Promise((resolve) => {
      this.localWaiter = resolve;
      this.push(this.mesh.rank, message);
    });
  }

  finishLocal(): void {
    this.finish(this.mesh.rank);
  }

  record(): StalenessRecord {
    return { bound: this.clocks.bound, maxClockGap: this.clocks.widestGap(), maxVersionLag: this.maxLag, updates: this.updates };
  }

  private push(member: number, message: Float32Array): void {
    const step = message[1]!;
    const read = message[2]!;
    const count = message[3]!;
    if (this.mode === 'sync') {
      const r = this.round;
      const gradient = message.subarray(PUSH_HEADER);
      for (let i = 0; i < gradient.length; i++) r.sum[i]! += gradient[i]!;
      r.count += count;
      r.arrived++;
      this.clocks.tick(member);
      this.held.push({ member, clock: step + 1 });
      if (r.arrived < this.mesh.size) return;
      if (r.count > 0) this.apply(r.sum, r.count, 0, read);
      r.sum.fill(0);
      r.count = 0;
      r.arrived = 0;
    } else {
      if (count > 0) this.apply(message, count, PUSH_HEADER, read);
      this.clocks.tick(member);
      this.held.push({ member, clock: step + 1 });
    }
    this.release();
  }

  private apply(sum: Float32Array, count: number, start: number, read: number): void {
    this.maxLag = Math.max(this.maxLag, this.version - read);
    applyMeanGradient(this.tf, this.trainer, this.variables, this.layout, sum, count, start);
    this.version++;
    this.updates++;
  }

  private finish(member: number): void {
    this.clocks.finish(member);
    this.release();
  }

  /** Answers every held member that may now go on. */
  private release(): void {
    const still: typeof this.held = [];
    let answer: Float32Array | undefined;
    for (const h of this.held) {
      if (!this.clocks.mayStart(h.clock)) {
        still.push(h);
        continue;
      }
      this.clocks.started(h.clock);
      if (h.member === this.mesh.rank) {
        const waiter = this.localWaiter;
        this.localWaiter = undefined;
        waiter?.();
        continue;
      }
      if (!answer) {
        answer = new Float32Array(1 + this.layout.total);
        answer[0] = this.version;
        flattenInto(this.variables, this.layout, answer, 1);
      }
      this.mesh.send(h.member, CHANNEL.pull, answer);
    }
    this.held = still;
  }
}
