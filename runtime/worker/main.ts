/**
 * A local worker process: starts the persistent trainers it was given, then the best TensorFlow.js backend
 * it can (unless the run needs none), then runs the tasks the driver sends over the process channel, one at
 * a time, and answers each exactly once. Imports nothing from the driver side.
 */
import { initEngine, type BackendName, type EngineInfo } from '../engine/index.js';
import { NO_ENGINE, WORKER_ENV, type DriverMessage, type Task, type TrialSetup, type WorkerMessage } from './protocol.js';
import { startTrainer } from './external/command-trainer.js';
import { abortGroup } from '../parallel/socket-mesh.js';
import { createTaskRunner } from './task-runner.js';
import { isUserError } from './user-errors.js';

function send(message: WorkerMessage): void {
  process.send?.(message);
}

/** Starts the persistent trainers the driver named at spawn: their start-up (importing torch) begins now. */
function startNamedTrainers(): void {
  const named = process.env[WORKER_ENV.trainers];
  if (!named) return;
  try {
    for (const setup of JSON.parse(named) as TrialSetup[]) startTrainer(setup);
  } catch {
    // A trainer that cannot start is reported by the first unit that needs it, with its own message.
  }
}

async function main(): Promise<void> {
  startNamedTrainers();
  const prefer = (process.env[WORKER_ENV.backend] || 'auto') as 'auto' | BackendName;
  const device = process.env[WORKER_ENV.device] === 'gpu' ? 'gpu' : 'cpu';
  const start = () => initEngine({ prefer, device, quiet: true });
  let engine: EngineInfo | undefined;
  // A run of external trainers only needs no engine; starting one would cost each worker about 0.3 s of
  // CPU while the trainers import their framework.
  if (process.env[WORKER_ENV.engine] !== NO_ENGINE) {
    try {
      engine = await start();
    } catch (error) {
      send({ type: 'fatal', message: `cannot start a TensorFlow.js backend: ${(error as Error).message}` });
      process.exit(1);
    }
  }
  const runner = createTaskRunner(engine ?? start);

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
  send(
    engine
      ? { type: 'ready', pid: process.pid, backend: engine.backend, versions: { ...engine.versions }, tried: engine.tried.map((t) => `${t.backend}: ${t.reason}`) }
      : { type: 'ready', pid: process.pid, backend: NO_ENGINE, versions: {}, tried: [] },
  );
}

void main();
