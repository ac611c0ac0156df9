/**
 * The external trainer protocol, `dlc-trainer/1` (docs/trainer-protocol.md): any program, in any framework,
 * trains one unit per invocation. dlc writes one JSON request to its stdin; the program prints JSON lines
 * on stdout, the last of them `{"type": "result", ...}`, and exits 0. A `persistent` trainer instead stays
 * up and serves one request per line (trainer-session.ts). Checkpoints are the program's own
 * files; dlc only moves their paths around, which is all model hopping needs.
 */
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import type { ExampleArrays } from '../../training/index.js';
import type { EvaluateTask, EvaluateResult, ExportModelResult, ExportModelTask, TrainUnitResult, TrainUnitTask, TrialSetup } from '../protocol.js';
import { writeNpy } from './npy.js';
import { PROTOCOL, TrainerError, trainerCommand, type TrainerCommand } from './trainer-command.js';
import { sessionFor } from './trainer-session.js';

export { PROTOCOL, TrainerError } from './trainer-command.js';
const STDERR_TAIL = 2000;

export interface DataFiles {
  /** Arrow IPC files as dlc keeps them. */
  arrow: string[];
  /** The same examples as .npy pairs, one per file. */
  npy: { features: string; labels: string; examples: number }[];
}

type LoadExamples = (path: string) => Promise<ExampleArrays & { rows: number }>;

/** The .npy copies of a partition, written next to it once. */
export async function npyFiles(paths: readonly string[], load: LoadExamples): Promise<DataFiles> {
  const npy: DataFiles['npy'] = [];
  for (const p of paths) {
    const features = `${p}.features.npy`;
    const labels = `${p}.labels.npy`;
    const ex = await load(p);
    const n = ex.rows;
    if (!existsSync(features) || !existsSync(labels)) {
      const labelWidth = n === 0 ? 1 : ex.labels.length / n;
      await writeNpy(features, ex.features, [n, n === 0 ? 0 : ex.features.length / n]);
      await writeNpy(labels, ex.labels, labelWidth === 1 ? [n] : [n, labelWidth]);
    }
    npy.push({ features, labels, examples: n });
  }
  return { arrow: [...paths], npy };
}

interface TrainerOutput {
  result: Record<string, unknown>;
}

async function invoke(setup: TrialSetup, request: Record<string, unknown>): Promise<TrainerOutput> {
  const command = trainerCommand(setup);
  const message = { protocol: PROTOCOL, ...request };
  if (command.persistent) return { result: await sessionFor(command).request(message) };
  return invokeOnce(command, message);
}

/** One process for one request: it reads the request, prints its lines and exits. */
function invokeOnce(command: TrainerCommand, request: Record<string, unknown>): Promise<TrainerOutput> {
  const [program, ...args] = command.argv;
  return new Promise<TrainerOutput>((resolve, reject) => {
    const child = spawn(program!, args, { cwd: command.cwd, env: command.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let result: Record<string, unknown> | undefined;
    let protocolError: string | undefined;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk;
      let nl: number;
      while ((nl = stdout.indexOf('\n')) >= 0) {
        const line = stdout.slice(0, nl).trim();
        stdout = stdout.slice(nl + 1);
        if (!line) continue;
        try {
          const msg = JSON.parse(line) as Record<string, unknown>;
          if (msg.type === 'result') result = msg;
        } catch {
          protocolError ??= `printed a line that is not JSON on stdout (use stderr for logs): ${line.slice(0, 200)}`;
        }
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_TAIL);
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      reject(new TrainerError(error.code === 'ENOENT' ? `cannot run ${program}: not found (cwd ${command.cwd ?? process.cwd()})` : `cannot run ${program}: ${error.message}`));
    });
    child.on('close', (code, signal) => {
      const tail = stderr.trim() ? `\n${stderr.trim()}` : '';
      if (code !== 0) return reject(new TrainerError(`trainer ${command.argv.join(' ')} ${signal ? `was killed by ${signal}` : `exited with status ${code}`}${tail}`));
      if (protocolError) return reject(new TrainerError(`trainer ${command.argv.join(' ')} ${protocolError}`));
      if (!result) return reject(new TrainerError(`trainer ${command.argv.join(' ')} exited without printing a {"type": "result"} line${tail}`));
      resolve({ result });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(`${JSON.stringify(request)}\n`);
  });
}

/** Starts a persistent trainer now, before its first request; false for a trainer started per unit. */
export function startTrainer(setup: TrialSetup): boolean {
  const command = trainerCommand(setup);
  if (!command.persistent) return false;
  sessionFor(command);
  return true;
}

function metricsOf(value: unknown, what: string): Record<string, number> {
  if (typeof value !== 'object' || value === null) throw new TrainerError(`the trainer's result has no ${what} object`);
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(value)) if (typeof v === 'number') out[k] = v;
  return out;
}

const dataField = (files: DataFiles) => ({ format: 'npy', files: files.npy, arrow: files.arrow });

export async function trainWithCommand(task: TrainUnitTask, load: LoadExamples): Promise<TrainUnitResult> {
  const started = performance.now();
  const data = await npyFiles(task.data, load);
  const validation = task.validation ? await npyFiles(task.validation, load) : undefined;
  const { result } = await invoke(task.setup, {
    task: 'train',
    trial: task.trial,
    params: task.setup.params,
    epoch: task.epoch,
    partition: task.partition,
    data: dataField(data),
    ...(validation ? { validation: dataField(validation) } : {}),
    features: task.setup.features,
    label: task.setup.label,
    batch_size: task.batchSize,
    seed: task.setup.seed,
    shuffle_seed: task.shuffleSeed,
    checkpoint_in: task.checkpointIn,
    checkpoint_out: task.checkpointOut,
  });
  if (!existsSync(task.checkpointOut)) throw new TrainerError(`the trainer reported success but wrote no checkpoint at ${task.checkpointOut}`);
  const examples = typeof result.examples === 'number' ? result.examples : data.npy.reduce((s, f) => s + f.examples, 0);
  return {
    type: 'train_unit',
    metrics: metricsOf(result.metrics, 'metrics'),
    ...(validation && result.validation !== undefined ? { validation: metricsOf(result.validation, 'validation') } : {}),
    examples,
    seconds: (performance.now() - started) / 1000,
    checkpointBytes: statSync(task.checkpointOut).size,
    bytesRead: task.checkpointIn && existsSync(task.checkpointIn) ? statSync(task.checkpointIn).size : 0,
  };
}

export async function evaluateWithCommand(task: EvaluateTask, load: LoadExamples): Promise<EvaluateResult> {
  const started = performance.now();
  const data = await npyFiles(task.data, load);
  const { result } = await invoke(task.setup, {
    task: 'evaluate',
    params: task.setup.params,
    data: dataField(data),
    features: task.setup.features,
    label: task.setup.label,
    checkpoint: task.checkpoint,
    ...(task.metrics ? { metrics: task.metrics } : {}),
  });
  const examples = typeof result.examples === 'number' ? result.examples : data.npy.reduce((s, f) => s + f.examples, 0);
  return { type: 'evaluate', metrics: metricsOf(result.metrics, 'metrics'), examples, seconds: (performance.now() - started) / 1000 };
}

export async function exportWithCommand(task: ExportModelTask): Promise<ExportModelResult> {
  const { result } = await invoke(task.setup, { task: 'export', params: task.setup.params, checkpoint: task.checkpoint, dir: task.dir });
  const files = Array.isArray(result.files) ? result.files.filter((f): f is string => typeof f === 'string') : [];
  return { type: 'export_model', files };
}
