/**
 * What a reporter needs to know before the events arrive: the steps in their waves (so steps that have not
 * started yet can be shown) and how much training each train step will do (so progress has a total). It is
 * read from the plan the run executes; without one, reporters learn the steps as they start.
 */
import type { ExecutionPlan } from '../../../compiler/phases/5-plan/plan-types.js';

export interface Objective {
  metric: string;
  mode: 'max' | 'min';
}

export interface TrainingOutline {
  /** Trials the search will try; null when the plan cannot know (a search whose size depends on data). */
  configurations: number | null;
  /** Epochs per trial; null when it is a hyperparameter. */
  epochs: number | null;
  /** `hopper` or `task` (or another strategy the plan names). */
  strategy: string | null;
  /** Partitions each epoch is cut into, when the spec fixes it; else the worker count under hopper. */
  partitions: number | null;
  objective: Objective;
  /** The hyperparameters' names, in the spec's order. */
  params: string[];
}

export interface NodeOutline {
  id: string;
  op: string;
  kind: 'source' | 'step';
  wave: number;
  training?: TrainingOutline;
}

export interface PlanOutline {
  name: string;
  nodes: NodeOutline[];
  waves: string[][];
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function trainingOf(node: ExecutionPlan['nodes'][number]): TrainingOutline {
  const config = node.config;
  const search = isRecord(config.search) ? config.search : undefined;
  const objective = isRecord(search?.objective) ? search.objective : undefined;
  const data = isRecord(config.data) ? config.data : undefined;
  const parallelism = config.parallelism;
  const partitions = node.decision?.settings?.partitions ?? (isRecord(parallelism) && typeof parallelism.partitions === 'number' ? parallelism.partitions : null);
  const strategy = node.strategy ?? node.decision?.strategy ?? (typeof parallelism === 'string' ? parallelism : isRecord(parallelism) && typeof parallelism.strategy === 'string' ? parallelism.strategy : null);
  const epochs = typeof config.epochs === 'number' ? config.epochs : config.epochs === undefined ? 1 : null;
  return {
    configurations: node.training?.configurations ?? (search === undefined ? 1 : null),
    epochs: node.training?.epochs ?? epochs,
    strategy: strategy === 'auto' ? 'hopper' : strategy,
    partitions: strategy === 'task' ? 1 : partitions,
    objective:
      typeof objective?.metric === 'string'
        ? { metric: objective.metric, mode: objective.mode === 'max' ? 'max' : 'min' }
        : { metric: data?.validation !== undefined ? 'val_loss' : 'loss', mode: 'min' },
    params: isRecord(search?.space) ? Object.keys(search.space) : [],
  };
}

export function outlineOf(plan: ExecutionPlan): PlanOutline {
  const waveOf = new Map<string, number>();
  plan.waves.forEach((wave, i) => wave.forEach((id) => waveOf.set(id, i)));
  return {
    name: plan.name,
    waves: plan.waves,
    nodes: plan.nodes.map((n) => ({
      id: n.id,
      op: n.op,
      kind: n.kind,
      wave: waveOf.get(n.id) ?? 0,
      ...(n.op === 'train' ? { training: trainingOf(n) } : {}),
    })),
  };
}
