/**
 * Persistent external trainers are started on every worker as soon as the workers are up, so a
 * framework's start-up (importing torch takes over a second) overlaps the reading and preparing of data
 * that comes before training instead of delaying the first units. Only a command with no `${hp.*}` in its
 * program, arguments, environment or working directory can start before a trial exists; others start with
 * their first unit as before. A trainer that fails to start is reported by the first unit that needs it.
 */
import type { ExecutionPlan, PlanNode } from '../../compiler/phases/5-plan/plan-types.js';
import type { WorkerBackend } from '../backends/types.js';
import type { CommandModel } from '../worker/external/trainer-command.js';
import type { TrialSetup } from '../worker/protocol.js';

/** The setups of the plan's train steps whose persistent trainer can start before any trial. */
export function trainersToStart(plan: Pick<ExecutionPlan, 'nodes' | 'seed'>, specDir: string): TrialSetup[] {
  const setups: TrialSetup[] = [];
  const seen = new Set<string>();
  for (const node of plan.nodes) {
    if (node.op !== 'train') continue;
    const model = (node.config as { model?: CommandModel }).model;
    if (!model || !Array.isArray(model.command) || model.persistent !== true) continue;
    const started = JSON.stringify([model.command, model.env ?? null, model.workdir ?? null]);
    if (started.includes('${hp.') || seen.has(started)) continue;
    seen.add(started);
    setups.push(setupOf(node, plan.seed, specDir));
  }
  return setups;
}

function setupOf(node: PlanNode, seed: number, specDir: string): TrialSetup {
  const step = node.config as { features?: string[]; label?: string };
  return { node: node.id, step: node.config, params: {}, seed, features: step.features ?? [], label: step.label ?? '', cwd: specDir };
}

/** False when every train step runs an external trainer command: then no worker needs TensorFlow.js. */
export function workersNeedEngine(plan: Pick<ExecutionPlan, 'nodes'>): boolean {
  return plan.nodes.some((node) => node.op === 'train' && !Array.isArray((node.config as { model?: CommandModel }).model?.command));
}

/**
 * Asks every live worker to start the trainers (a local pool already started them at spawn: a trainer
 * started twice is the same session); waits only for the requests to be taken, not for the programs.
 */
export async function startTrainers(backend: WorkerBackend, setups: readonly TrialSetup[]): Promise<void> {
  await Promise.all(backend.alive().flatMap((worker) => setups.map((setup) => backend.run(worker, { type: 'start_trainer', setup }).catch(() => undefined))));
}
