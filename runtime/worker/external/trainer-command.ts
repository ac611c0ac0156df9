/**
 * How an external trainer is started, from the step's `model:` — the program and arguments, its working
 * directory (`workdir`, else the spec's directory), its environment (dlc's process environment, then the
 * model's `env`), and whether it serves many requests (`persistent`).
 */
import type { TrialSetup } from '../protocol.js';

export const PROTOCOL = 'dlc-trainer/1';

/** A trainer that failed or broke the protocol: the user's program, reported by its own words. */
export class TrainerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrainerError';
  }
}

export interface TrainerCommand {
  argv: string[];
  cwd: string | undefined;
  env: NodeJS.ProcessEnv;
  /** The model's own `env`, kept apart to tell commands apart. */
  extraEnv: Record<string, string>;
  persistent: boolean;
}

/** The fields of a step's `model:` that say how an external trainer starts. */
export interface CommandModel {
  command?: unknown;
  env?: unknown;
  workdir?: unknown;
  persistent?: unknown;
}

export function trainerCommand(setup: TrialSetup): TrainerCommand {
  const model = setup.step.model as CommandModel;
  const argv = model.command;
  if (!Array.isArray(argv) || argv.length === 0 || !argv.every((c) => typeof c === 'string')) {
    throw new TrainerError('model.command must be a list of strings: the program and its arguments');
  }
  const extraEnv: Record<string, string> = {};
  if (typeof model.env === 'object' && model.env !== null) {
    for (const [k, v] of Object.entries(model.env)) if (typeof v === 'string') extraEnv[k] = v;
  }
  return {
    argv: argv as string[],
    cwd: typeof model.workdir === 'string' ? model.workdir : setup.cwd,
    // One thread per trainer unless the user says otherwise: the workers already use every core between them.
    env: { OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1', ...process.env, ...extraEnv, DLC_TRAINER_PROTOCOL: PROTOCOL },
    extraEnv,
    persistent: model.persistent === true,
  };
}
