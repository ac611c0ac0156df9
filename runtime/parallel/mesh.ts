/**
 * The links between the members of one training group (the workers training one trial together): every
 * member can send float32 payloads to every other, on numbered channels. Messages from one member on one
 * channel arrive in the order they were sent, which is all the collectives built on it need. Workers use
 * the Unix-socket implementation (socket-mesh.ts); tests also use the in-process one below.
 */

export interface Mesh {
  readonly rank: number;
  readonly size: number;
  /** Sends a copy of `data` (the caller may reuse its array at once). */
  send(to: number, channel: number, data: Float32Array): void;
  /** The next payload `from` sent on `channel`; rejects when that member is gone. */
  receive(from: number, channel: number): Promise<Float32Array>;
  /** Bytes this member has put on its links (payloads and framing). */
  bytesSent(): number;
  /** Ends this member's links once what it sent has been written. */
  close(): Promise<void>;
}

/** Channel numbers; a protocol built on a mesh picks its own from these. */
export const CHANNEL = {
  ring: 1,
  gather: 2,
  broadcast: 3,
  push: 4,
  pull: 5,
  activations: 6,
  activationGrads: 7,
  control: 8,
} as const;

/** The peer went away (crashed, or failed its task) while this member still expected to hear from it. */
export class PeerLostError extends Error {
  constructor(
    readonly peer: number,
    detail: string,
  ) {
    super(`group member ${peer} is gone: ${detail}`);
    this.name = 'PeerLostError';
  }
}

/**
 * Payloads waiting to be received, keyed by sender and channel, and receivers waiting for payloads. Shared
 * by the mesh implementations: each only has to call `deliver` and `lose`.
 */
export class Mailbox {
  private readonly queued = new Map<string, Float32Array[]>();
  private readonly waiting = new Map<string, { resolve: (d: Float32Array) => void; reject: (e: Error) => void }[]>();
  private readonly lost = new Map<number, Error>();

  deliver(from: number, channel: number, data: Float32Array): void {
    const key = `${from}/${channel}`;
    const waiter = this.waiting.get(key)?.shift();
    if (waiter) return waiter.resolve(data);
    const queue = this.queued.get(key) ?? [];
    queue.push(data);
    this.queued.set(key, queue);
  }

  receive(from: number, channel: number): Promise<Float32Array> {
    const key = `${from}/${channel}`;
    const queued = this.queued.get(key)?.shift();
    if (queued) return Promise.resolve(queued);
    const gone = this.lost.get(from);
    if (gone) return Promise.reject(gone);
    return new Promise((resolve, reject) => {
      const list = this.waiting.get(key) ?? [];
      list.push({ resolve, reject });
      this.waiting.set(key, list);
    });
  }

  /** Everything `from` sent has been delivered and no more will come. */
  lose(from: number, error: Error): void {
    if (this.lost.has(from)) return;
    this.lost.set(from, error);
    for (const [key, list] of this.waiting) {
      if (!key.startsWith(`${from}/`)) continue;
      for (const w of list.splice(0)) w.reject(error);
    }
  }
}

/** `size` meshes joined in memory (one process), for tests of the collectives. */
export function createLocalMeshes(size: number): Mesh[] {
  const boxes = Array.from({ length: size }, () => new Mailbox());
  const sent = new Array<number>(size).fill(0);
  const closed = new Array<boolean>(size).fill(false);
  return boxes.map((_box, rank) => ({
    rank,
    size,
    send(to, channel, data) {
      if (to === rank || to < 0 || to >= size) throw new RangeError(`member ${rank} cannot send to ${to}`);
      sent[rank]! += data.byteLength;
      const copy = data.slice();
      // Asynchronous, as a real link is: a receiver never runs inside the sender's call.
      queueMicrotask(() => boxes[to]!.deliver(rank, channel, copy));
    },
    receive: (from, channel) => boxes[rank]!.receive(from, channel),
    bytesSent: () => sent[rank]!,
    async close() {
      if (closed[rank]) return;
      closed[rank] = true;
      queueMicrotask(() => boxes.forEach((b, i) => i !== rank && b.lose(rank, new PeerLostError(rank, 'it left the group'))));
    },
  }));
}
