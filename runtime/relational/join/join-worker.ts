/** A join worker thread: runs the tasks the driver posts, one at a time, and posts back what they made. */
import { parentPort } from 'node:worker_threads';
import { runTask, type Task } from './tasks/index.js';

const port = parentPort;
if (port === null) throw new Error('join-worker.js runs as a worker thread');
port.on('message', (msg: { id: number; task: Task }) => {
  try {
    const { result, transfer } = runTask(msg.task);
    port.postMessage({ id: msg.id, ok: true, result }, transfer);
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    port.postMessage({ id: msg.id, ok: false, error: { name: err.name, message: err.message, stack: err.stack } });
  }
});
