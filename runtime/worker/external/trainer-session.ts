/**
 * A persistent external trainer (`model: {command, persistent: true}`): one process per worker that serves
 * request after request, one JSON line in, JSON lines out ending with a result line, instead of one process
 * per unit. A framework's start-up (importing torch takes over a second) is then paid once per worker, not
 * once per unit. The process ends when its stdin closes (the worker exits or is killed).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { TrainerError, type TrainerCommand } from './trainer-command.js';

const STDERR_TAIL = 2000;

interface Pending {
  resolve: (result: Record<string, unknown>) => void;
  reject: (error: Error) => void;
}

export class TrainerSession {
  private readonly child: ChildProcessWithoutNullStreams;
  private stdout = '';
  private stderr = '';
  private pending: Pending | undefined;
  private ended: Error | undefined;
  /** Requests run one at a time, in order. */
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly command: TrainerCommand) {
    const [program, ...args] = command.argv;
    this.child = spawn(program!, args, { cwd: command.cwd, env: { ...command.env, DLC_TRAINER_MODE: 'persistent' }, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout.setEncoding('utf8');
    this.child.stdout.on('data', (chunk: string) => this.onStdout(chunk));
    this.child.stderr.setEncoding('utf8');
    this.child.stderr.on('data', (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-STDERR_TAIL);
    });
    this.child.stdin.on('error', () => {});
    this.child.on('error', (error: NodeJS.ErrnoException) => {
      this.end(new TrainerError(error.code === 'ENOENT' ? `cannot run ${program}: not found (cwd ${command.cwd ?? process.cwd()})` : `cannot run ${program}: ${error.message}`));
    });
    this.child.on('close', (code, signal) => {
      const tail = this.stderr.trim() ? `\n${this.stderr.trim()}` : '';
      this.end(new TrainerError(`trainer ${command.argv.join(' ')} ${signal ? `was killed by ${signal}` : `exited with status ${code}`} while serving requests${tail}`));
    });
  }

  get alive(): boolean {
    return this.ended === undefined;
  }

  /** Sends one request; resolves with its result line. */
  request(request: Record<string, unknown>): Promise<Record<string, unknown>> {
    const run = (): Promise<Record<string, unknown>> =>
      new Promise((resolve, reject) => {
        if (this.ended) return reject(this.ended);
        this.pending = { resolve, reject };
        this.stderr = '';
        this.child.stdin.write(`${JSON.stringify(request)}\n`);
      });
    const next = this.chain.then(run, run);
    this.chain = next.catch(() => {});
    return next;
  }

  close(): void {
    this.child.stdin.end();
  }

  private onStdout(chunk: string): void {
    this.stdout += chunk;
    let nl: number;
    while ((nl = this.stdout.indexOf('\n')) >= 0) {
      const line = this.stdout.slice(0, nl).trim();
      this.stdout = this.stdout.slice(nl + 1);
      if (!line) continue;
      let msg: Record<string, unknown>;
      try {
        msg = JSON.parse(line) as Record<string, unknown>;
      } catch {
        // The stream can no longer be trusted to line up requests with answers: stop this process.
        this.fail(new TrainerError(`trainer ${this.command.argv.join(' ')} printed a line that is not JSON on stdout (use stderr for logs): ${line.slice(0, 200)}`));
        this.child.kill('SIGKILL');
        return;
      }
      if (msg.type === 'result') this.settle((p) => p.resolve(msg));
      else if (msg.type === 'error') {
        const tail = this.stderr.trim() ? `\n${this.stderr.trim()}` : '';
        this.settle((p) => p.reject(new TrainerError(`trainer ${this.command.argv.join(' ')} failed the request: ${String(msg.message ?? 'no message')}${tail}`)));
      }
    }
  }

  private settle(how: (p: Pending) => void): void {
    const p = this.pending;
    this.pending = undefined;
    if (p) how(p);
  }

  private fail(error: Error): void {
    this.settle((p) => p.reject(error));
  }

  private end(error: Error): void {
    if (this.ended) return;
    this.ended = error;
    this.fail(error);
  }
}

/** The worker's persistent trainers, one per distinct command (program, arguments, directory, environment). */
const sessions = new Map<string, TrainerSession>();

export function sessionFor(command: TrainerCommand): TrainerSession {
  const key = JSON.stringify([command.argv, command.cwd, command.extraEnv]);
  let session = sessions.get(key);
  if (!session || !session.alive) {
    session = new TrainerSession(command);
    sessions.set(key, session);
  }
  return session;
}

/** Closes every persistent trainer's stdin, so each ends once its current request is answered. */
export function closeSessions(): void {
  for (const s of sessions.values()) s.close();
  sessions.clear();
}
