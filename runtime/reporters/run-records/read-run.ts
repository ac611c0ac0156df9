/**
 * A finished (or stopped, or still running) run read back from its directory: the plan, the events and
 * the state they fold into, with the few facts a listing needs. Nothing here writes.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { ExecutionPlan } from '../../../compiler/phases/5-plan/plan-types.js';
import { parseEvents } from '../../events/sinks.js';
import type { Metrics, RunEvent } from '../../events/types.js';
import { focusTrainNode, objectiveOf, rankTrials } from '../view/leaderboard.js';
import { outlineOf } from '../view/plan-outline.js';
import { runStateOf, type RunState } from '../view/run-state.js';

export type RunStatus = 'completed' | 'failed' | 'interrupted' | 'unfinished';

export interface RunRecord {
  path: string;
  id: string;
  name: string;
  plan?: ExecutionPlan;
  events: RunEvent[];
  state: RunState;
  /** `unfinished`: no `run_finished` after the last start (still running, or killed). */
  status: RunStatus;
  startedAt: number | null;
  seconds: number | null;
  best: { node: string; trial: number; params: Record<string, unknown>; metric: string; mode: 'max' | 'min'; value: number | null; model?: string } | null;
  /** Metrics of each evaluate step. */
  evaluations: Record<string, Metrics>;
  /** Files written by export steps and the best model, by node. */
  outputs: Record<string, string>;
}

export const isRunDir = (path: string): boolean => existsSync(join(path, 'plan.json')) && statSync(path).isDirectory();

export class RunReadError extends Error {}

export function readRun(path: string): RunRecord {
  if (!isRunDir(path)) throw new RunReadError(`${path} is not a run directory (no plan.json)`);
  let plan: ExecutionPlan | undefined;
  try {
    plan = JSON.parse(readFileSync(join(path, 'plan.json'), 'utf8')) as ExecutionPlan;
  } catch {
    plan = undefined;
  }
  const eventsFile = join(path, 'events.ndjson');
  let events: RunEvent[] = [];
  try {
    events = existsSync(eventsFile) ? parseEvents(readFileSync(eventsFile, 'utf8')) : [];
  } catch (error) {
    throw new RunReadError(`${eventsFile}: ${(error as Error).message}`);
  }
  const state = runStateOf(events, plan ? outlineOf(plan) : undefined);
  const finished = state.finished;
  const status: RunStatus = finished ? finished.status : 'unfinished';
  const startedAt = state.run?.firstStartedAt ?? null;
  const seconds = finished ? finished.seconds : startedAt !== null && state.lastAt > 0 ? (state.lastAt - startedAt) / 1000 : null;

  let best: RunRecord['best'] = null;
  const focus = finished?.best?.node ?? focusTrainNode(state);
  if (focus) {
    const { metric, mode } = objectiveOf(state, focus);
    const top = rankTrials(state, focus)[0];
    if (finished?.best) best = { node: finished.best.node, trial: finished.best.trial, params: finished.best.params, metric, mode, value: finished.best.objective, model: finished.best.model };
    else if (top && top.value !== null) best = { node: focus, trial: top.trial.trial, params: top.trial.params, metric, mode, value: top.value };
  }
  const evaluations: Record<string, Metrics> = {};
  const outputs: Record<string, string> = {};
  for (const n of state.nodes) {
    if (n.metrics && n.status === 'completed') evaluations[n.id] = n.metrics;
    if (n.path && n.status === 'completed') outputs[n.id] = n.path;
  }
  return { path, id: state.run?.id ?? basename(path), name: state.run?.name ?? plan?.name ?? basename(path), ...(plan ? { plan } : {}), events, state, status, startedAt, seconds, best, evaluations, outputs };
}
