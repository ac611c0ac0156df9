/**
 * A run's directory: everything a run produces and everything needed to continue it.
 *
 *   spec.yaml         the spec as run (the text of the file given on the command line)
 *   plan.json         the ExecutionPlan; a resumed run executes this, not a recompiled spec
 *   events.ndjson     the event stream (docs/events.md)
 *   trials.csv/.parquet  one row per trial and epoch: parameters, metrics, status, time
 *   checkpoints/      model + optimizer state after each unit (the last few per trial are kept)
 *   best-model/       the best trial's model in the tfjs format (tf.loadLayersModel)
 *   evaluations/      metrics of each evaluate step, as JSON
 *   work/             partition files between steps (Arrow IPC)
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { ExecutionPlan } from '../../compiler/phases/5-plan/plan-types.js';

export interface RunDir {
  path: string;
  id: string;
}

export const RUN_FILES = {
  spec: 'spec.yaml',
  plan: 'plan.json',
  events: 'events.ndjson',
  trialsCsv: 'trials.csv',
  trialsParquet: 'trials.parquet',
  checkpoints: 'checkpoints',
  bestModel: 'best-model',
  evaluations: 'evaluations',
  work: 'work',
} as const;

function stamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

/** The directory runs of a spec go in by default: `runs/` next to the spec file. */
export function defaultRunsRoot(specFile: string): string {
  return join(dirname(specFile), 'runs');
}

/** Creates a fresh run directory `<root>/<time>-<name>` (or exactly `explicit`, which must not hold a run). */
export function createRunDir(options: { plan: ExecutionPlan; specText: string; root?: string; explicit?: string; now?: Date }): RunDir {
  let path: string;
  if (options.explicit !== undefined) {
    path = resolve(options.explicit);
    if (existsSync(join(path, RUN_FILES.plan))) throw new RunDirError(`${path} already holds a run; use --resume to continue it or choose another --run-dir`);
  } else {
    const root = options.root ?? defaultRunsRoot(options.plan.spec_file);
    const base = `${stamp(options.now ?? new Date())}-${options.plan.name}`;
    path = join(root, base);
    for (let n = 2; existsSync(path); n++) path = join(root, `${base}-${n}`);
  }
  try {
    mkdirSync(path, { recursive: true });
    for (const sub of [RUN_FILES.checkpoints, RUN_FILES.evaluations, RUN_FILES.work]) mkdirSync(join(path, sub), { recursive: true });
    writeFileSync(join(path, RUN_FILES.spec), options.specText);
    writeFileSync(join(path, RUN_FILES.plan), `${JSON.stringify(options.plan, null, 2)}\n`);
  } catch (error) {
    throw new RunDirError(`cannot create the run directory ${path}: ${(error as Error).message}`);
  }
  return { path, id: basename(path) };
}

/** Opens an existing run directory to continue it; its plan is what runs. */
export function openRunDir(path: string): { dir: RunDir; plan: ExecutionPlan; eventsText: string } {
  const full = resolve(path);
  const planFile = join(full, RUN_FILES.plan);
  if (!existsSync(planFile)) throw new RunDirError(`${full} is not a run directory (no ${RUN_FILES.plan})`);
  let plan: ExecutionPlan;
  try {
    plan = JSON.parse(readFileSync(planFile, 'utf8')) as ExecutionPlan;
  } catch (error) {
    throw new RunDirError(`${planFile} cannot be read: ${(error as Error).message}`);
  }
  if (plan.plan_version !== 1) throw new RunDirError(`${planFile} was written by an incompatible version of dlc (plan_version ${String(plan.plan_version)})`);
  const eventsFile = join(full, RUN_FILES.events);
  const eventsText = existsSync(eventsFile) ? readFileSync(eventsFile, 'utf8') : '';
  return { dir: { path: full, id: basename(full) }, plan, eventsText };
}

export class RunDirError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunDirError';
  }
}
