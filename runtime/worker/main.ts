/**
 * A local worker process: starts the best TensorFlow.js backend it can, then runs the tasks the driver
 * sends over the process channel, one at a time, and answers each exactly once. Imports nothing from the
 * driver side.
 */
import { initEngine, type BackendName, type EngineInfo } from '../engine/index.js';
import { WORKER_ENV, type DriverMessage, type Task, type WorkerMessage } from './protocol.js';
import { abortGroup } from '../parallel/socket-mesh.js';
import { createTaskRunner } from './task-runner.js';
import { isUserError } from './user-errors.js';

function send(message: WorkerMessage): void {
  process.send?.(message);
}

async function main(): Promise<void> {
  const prefer = (process.env[WORKER_ENV.backend] || 'auto') as 'auto' | BackendName;
  const device = process.env[WORKER_ENV.device] === 'gpu' ? 'gpu' : 'cpu';
  let engine: EngineInfo;
  try {
    engine = await initEngine({ prefer, device, quiet: true });
  } catch (error) {
    send({ type: 'fatal', message: `cannot start a TensorFlow.js backend: ${(error as Error).message}` });
    process.exit(1);
  }
  const runner = createTaskRunner(engine);

  // Tasks run strictly one after another, in the order they arrive.
  let queue = Promise.resolve();
  const handle = async (id: number, task: Task): Promise<void> => {
    try {
      send({ type: 'result', id, result: await runner.run(task) });
    } catch (error) {
      const user = isUserError(error);
      const message = error instanceof Error ? (user ? error.message : (error.stack ?? error.message)) : String(error);
      send({ type: 'failed', id, message, user });
    }
  };
  process.on('message', (message: DriverMessage) => {
    if (message.type === 'shutdown') {
      void queue.then(() => process.exit(0));
      return;
    }
    if (message.type === 'abort_group') abortGroup(message.group, message.reason);
    if (message.type === 'task') queue = queue.then(() => handle(message.id, message.task));
  });
  // The driver going away (killed -9) closes the channel: nothing left to work for.
  process.on('disconnect', () => process.exit(0));
  // Ctrl-C reaches the whole process group; the driver decides when workers stop.
  process.on('SIGINT', () => {});
  send({ type: 'ready', pid: process.pid, backend: engine.backend, versions: { ...engine.versions }, tried: engine.tried.map((t) => `${t.backend}: ${t.reason}`) });
}

void main();
