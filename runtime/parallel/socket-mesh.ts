/**
 * The mesh between worker processes on one machine: a Unix domain socket per pair of members, the lower
 * rank connecting to the higher one's endpoint. A Unix socket was the fastest of the transports measured
 * between local processes (bench/parallel.bench.mjs: Node's IPC channel relayed through the driver, a
 * file in /dev/shm with a socket for the signalling, TCP on loopback): one copy into the kernel and one out,
 * no serialisation, no second hop.
 *
 * Each worker process listens on its endpoint from the first group it joins until it exits. A connection
 * opens with a hello frame naming the group and the sender's rank, so connections of different groups
 * (one per epoch or attempt) never mix.
 */
import { existsSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { bytesOf, encodeFrame, floatsOf, FrameReader, HEADER_BYTES } from './frames.js';
import { Mailbox, PeerLostError, type Mesh } from './mesh.js';

/** Channel of the hello frame; payloads on it are JSON. */
const HELLO = 0;
/** How long to wait for a peer to listen or to connect: it may still be starting its task. */
const DEFAULT_CONNECT_MS = 60_000;
const RETRY_MS = 20;

export interface SocketMeshOptions {
  /** Names the group; connections of other groups are not this mesh's. */
  group: string;
  rank: number;
  /** Every member's endpoint (a socket path), in rank order. */
  endpoints: readonly string[];
  connectTimeoutMs?: number;
}

interface Hello {
  group: string;
  rank: number;
}

/** Incoming connections, held until the mesh of their group claims them. */
class Listener {
  private readonly arrived = new Map<string, { socket: Socket; reader: Redirect; rank: number }[]>();
  private readonly claims = new Map<string, (socket: Socket, rank: number, reader: Redirect) => void>();

  private constructor(
    readonly endpoint: string,
    /** Held so the listening socket lives as long as this process listens. */
    readonly server: Server,
  ) {}

  static async open(endpoint: string): Promise<Listener> {
    // A socket file left by a process that died; nothing listens on it any more.
    if (existsSync(endpoint)) rmSync(endpoint, { force: true });
    let listener: Listener | undefined;
    const server = createServer((socket) => listener!.accept(socket));
    listener = new Listener(endpoint, server);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(endpoint, () => {
        server.off('error', reject);
        resolve();
      });
    });
    // The worker process must be free to exit while listening.
    server.unref();
    return listener;
  }

  private accept(socket: Socket): void {
    const reader = new Redirect();
    socket.on('data', (chunk: Buffer) => reader.push(chunk));
    socket.on('error', () => socket.destroy());
    reader.target = (channel, payload) => {
      if (channel !== HELLO) return socket.destroy();
      let hello: Hello;
      try {
        hello = JSON.parse(Buffer.from(payload).toString('utf8')) as Hello;
      } catch {
        return socket.destroy();
      }
      reader.target = undefined;
      const claim = this.claims.get(hello.group);
      if (claim) return claim(socket, hello.rank, reader);
      const list = this.arrived.get(hello.group) ?? [];
      list.push({ socket, reader, rank: hello.rank });
      this.arrived.set(hello.group, list);
      socket.once('close', () => {
        const left = this.arrived.get(hello.group)?.filter((a) => a.socket !== socket);
        if (left && left.length > 0) this.arrived.set(hello.group, left);
        else this.arrived.delete(hello.group);
      });
    };
  }

  /** Hands `group`'s connections, past and future, to `take`, until `release`. */
  claim(group: string, take: (socket: Socket, rank: number, reader: Redirect) => void): void {
    this.claims.set(group, take);
    for (const a of this.arrived.get(group) ?? []) take(a.socket, a.rank, a.reader);
    this.arrived.delete(group);
  }

  release(group: string): void {
    this.claims.delete(group);
  }
}

/** A frame reader whose frames go wherever `target` says at the time (the hello, then the mesh). */
class Redirect {
  target: ((channel: number, payload: Uint8Array) => void) | undefined;
  private readonly held: [number, Uint8Array][] = [];
  private readonly reader = new FrameReader((channel, payload) => {
    if (this.target) this.target(channel, payload);
    else this.held.push([channel, payload]);
  });

  push(chunk: Buffer): void {
    this.reader.push(chunk);
  }

  /** Points the frames at `target`, first those that arrived while it had none. */
  redirect(target: (channel: number, payload: Uint8Array) => void): void {
    this.target = target;
    for (const [c, p] of this.held.splice(0)) target(c, p);
  }
}

const listeners = new Map<string, Promise<Listener>>();
/** Groups this process was told have failed elsewhere (the newest few; a group id is never reused). */
const aborted = new Map<string, string>();
const ABORTED_KEPT = 64;
/** Meshes of this process being opened or open, by group. */
const live = new Map<string, AbortController>();

/** The group failed elsewhere: its mesh here (open, being opened, or opened later) fails at once. */
export function abortGroup(group: string, reason: string): void {
  aborted.set(group, reason);
  while (aborted.size > ABORTED_KEPT) aborted.delete(aborted.keys().next().value!);
  live.get(group)?.abort(reason);
}

export class GroupAbortedError extends Error {
  constructor(group: string, reason: string) {
    super(`group ${group} was stopped: ${reason}`);
    this.name = 'GroupAbortedError';
  }
}

/** This process's listener on `endpoint`, opened on first use. */
function listenerAt(endpoint: string): Promise<Listener> {
  let l = listeners.get(endpoint);
  if (!l) {
    l = Listener.open(endpoint);
    l.catch(() => listeners.delete(endpoint));
    listeners.set(endpoint, l);
  }
  return l;
}

/** Joins the group: connects to every other member and resolves once all links are up. */
export async function openSocketMesh(options: SocketMeshOptions): Promise<Mesh> {
  const { group, rank, endpoints } = options;
  const size = endpoints.length;
  if (!(rank >= 0 && rank < size)) throw new RangeError(`rank ${rank} is not in a group of ${size}`);
  const timeout = options.connectTimeoutMs ?? DEFAULT_CONNECT_MS;
  const mailbox = new Mailbox();
  const sockets = new Array<Socket | undefined>(size);
  let sent = 0;
  let closing = false;
  const earlier = aborted.get(group);
  if (earlier !== undefined) throw new GroupAbortedError(group, earlier);
  const controller = new AbortController();
  const { signal } = controller;
  live.set(group, controller);
  signal.addEventListener('abort', () => {
    const error = new GroupAbortedError(group, String(signal.reason));
    for (let peer = 0; peer < size; peer++) if (peer !== rank) mailbox.lose(peer, error);
    for (const s of sockets) s?.destroy();
  });

  const attach = (peer: number, socket: Socket, reader: Redirect): void => {
    sockets[peer] = socket;
    reader.redirect((channel, payload) => mailbox.deliver(peer, channel, floatsOf(payload)));
    socket.on('close', () => mailbox.lose(peer, new PeerLostError(peer, closing ? 'its link was closed' : 'its link closed')));
    socket.on('error', () => socket.destroy());
  };

  if (size === 1) return meshOf();
  const listener = await listenerAt(endpoints[rank]!);
  const lower = new Promise<void>((resolve, reject) => {
    let missing = rank;
    if (missing === 0) return resolve();
    const timer = setTimeout(() => {
      listener.release(group);
      reject(new Error(`group ${group}: ${missing} lower-ranked member(s) did not connect within ${timeout / 1000} s`));
    }, timeout);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      listener.release(group);
      reject(new GroupAbortedError(group, String(signal.reason)));
    });
    listener.claim(group, (socket, peer, reader) => {
      if (peer >= rank || sockets[peer] !== undefined) return void socket.destroy();
      attach(peer, socket, reader);
      if (--missing === 0) {
        clearTimeout(timer);
        listener.release(group);
        resolve();
      }
    });
  });
  const higher = endpoints.slice(rank + 1).map(async (endpoint, i) => {
    const peer = rank + 1 + i;
    const socket = await connectWithRetry(endpoint, Date.now() + timeout, signal);
    if (signal.aborted) {
      socket.destroy();
      throw new GroupAbortedError(group, String(signal.reason));
    }
    const reader = new Redirect();
    socket.on('data', (chunk: Buffer) => reader.push(chunk));
    socket.write(encodeFrame(HELLO, Buffer.from(JSON.stringify({ group, rank } satisfies Hello), 'utf8')));
    attach(peer, socket, reader);
  });
  try {
    await Promise.all([lower, ...higher]);
  } catch (error) {
    live.delete(group);
    if (!signal.aborted) controller.abort(error instanceof Error ? error.message : String(error));
    for (const s of sockets) s?.destroy();
    throw error;
  }
  return meshOf();

  function meshOf(): Mesh {
    return {
      rank,
      size,
      send(to, channel, data) {
        const socket = sockets[to];
        if (!socket) throw new RangeError(`member ${rank} has no link to ${to}`);
        if (socket.destroyed) throw new PeerLostError(to, 'its link closed');
        socket.write(encodeFrame(channel, bytesOf(data)));
        sent += HEADER_BYTES + data.byteLength;
      },
      receive: (from, channel) => mailbox.receive(from, channel),
      bytesSent: () => sent,
      async close() {
        closing = true;
        live.delete(group);
        await Promise.all(
          sockets.map(
            (s) =>
              s &&
              new Promise<void>((resolve) => {
                if (s.destroyed) return resolve();
                const timer = setTimeout(() => s.destroy(), 5_000);
                s.once('close', () => {
                  clearTimeout(timer);
                  resolve();
                });
                s.end();
              }),
          ),
        );
      },
    };
  }
}

async function connectWithRetry(endpoint: string, deadline: number, signal: AbortSignal): Promise<Socket> {
  for (;;) {
    if (signal.aborted) throw new Error(`stopped connecting to ${endpoint}: ${String(signal.reason)}`);
    try {
      return await new Promise<Socket>((resolve, reject) => {
        const socket = createConnection(endpoint);
        socket.once('connect', () => {
          socket.off('error', reject);
          resolve(socket);
        });
        socket.once('error', reject);
      });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if ((code !== 'ENOENT' && code !== 'ECONNREFUSED') || Date.now() > deadline) throw new Error(`cannot reach group member at ${endpoint}: ${(error as Error).message}`);
      await new Promise((r) => setTimeout(r, RETRY_MS));
    }
  }
}
