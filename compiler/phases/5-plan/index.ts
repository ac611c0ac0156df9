import type { Diagnostic } from '../../diagnostics/types.js';
import { formatPath } from '../../source/doc-path.js';
import type { Spec } from '../../spec/types.js';
import { parseSize } from '../../spec/size.js';
import type { AnalysisContext } from '../4-analyze/index.js';
import { decideJoin } from './join-decision.js';
import { type PlanMachine, planMachine } from './machine.js';
import type { ExecutionPlan, PlanNode, PlanResources } from './plan-types.js';
import { configurationCount } from './search-size.js';
import { PlanStatistics } from './statistics.js';
import { decideTraining } from './training-decision.js';

export type * from './plan-types.js';

export interface PlanOptions {
  specFile: string;
  /** Cores of the machine that runs the pipeline (`workers: auto` on CPU). */
  cores: number;
  /** `--workers N` from the command line, which overrides the spec. */
  workers?: number;
}

/** Phase 5: the analyzed spec as an ExecutionPlan, with a costed decision for every join and train step. */
export function plan(ctx: AnalysisContext, opts: PlanOptions): { plan: ExecutionPlan; diagnostics: Diagnostic[] } {
  const spec = ctx.spec;
  const diagnostics: Diagnostic[] = [];
  const resources = planResources(spec, opts);
  if (resources.workers > opts.cores && resources.workers_from !== 'auto' && !spec.resources?.cluster) {
    ctx.report('DLC500', ['resources', 'workers'], `${resources.workers} local workers on a machine with ${opts.cores} cores: they will share cores`, { severity: 'info' });
  }
  const stats = new PlanStatistics(ctx);
  const machine = planMachine(ctx, resources);
  const nodes: PlanNode[] = ctx.order.map((id) => planNode(ctx, stats, machine, id));
  const edges = ctx.references.map((r) => ({ from: r.target, output: r.output, to: r.step, at: formatPath(r.path) }));
  const plan: ExecutionPlan = {
    dlc: 1,
    plan_version: 1,
    name: spec.name,
    ...(spec.description !== undefined ? { description: spec.description } : {}),
    seed: spec.seed ?? 0,
    spec_file: opts.specFile,
    resources,
    nodes,
    waves: ctx.waves,
    edges,
  };
  return { plan, diagnostics };
}

function planResources(spec: Spec, opts: PlanOptions): PlanResources {
  const r = spec.resources ?? {};
  const fromSpec = typeof r.workers === 'number' ? r.workers : undefined;
  const workers = opts.workers ?? fromSpec ?? Math.max(1, opts.cores);
  const out: PlanResources = {
    workers,
    workers_from: opts.workers !== undefined ? 'flag' : fromSpec !== undefined ? 'spec' : 'auto',
    devices: r.devices ?? 'auto',
  };
  const mem = r.memory_per_worker === undefined ? undefined : parseSize(r.memory_per_worker);
  if (mem !== undefined) out.memory_per_worker_bytes = mem;
  if (r.cluster) out.cluster = { queue: r.cluster.queue, ...(r.cluster.store !== undefined ? { store: r.cluster.store } : {}) };
  return out;
}

function planNode(ctx: AnalysisContext, stats: PlanStatistics, machine: PlanMachine, id: string): PlanNode {
  const info = ctx.nodes.get(id);
  const source = ctx.spec.sources?.[id];
  const step = ctx.spec.steps?.[id];
  const outputs: PlanNode['outputs'] = {};
  for (const [name, o] of info?.outputs ?? []) outputs[name] = { kind: o.kind, ...(o.schema ? { columns: o.schema } : {}) };
  const node: PlanNode = {
    id,
    kind: source ? 'source' : 'step',
    op: source ? `source:${source.format}` : (step?.op ?? 'unknown'),
    inputs: (info?.inputs ?? []).map((r) => ({ from: r.target, output: r.output, field: formatPath(r.path.slice(2)) })),
    outputs,
    config: JSON.parse(JSON.stringify(source ?? step ?? {})) as Record<string, unknown>,
  };
  if (info?.stats) node.stats = info.stats;
  if (step) {
    const d = step.op === 'join' ? decideJoin(ctx, stats, machine, id, step) : step.op === 'train' ? decideTraining(ctx, stats, machine, id, step) : undefined;
    if (d) {
      node.strategy = d.strategy;
      node.decision = d;
    }
    if (step.op === 'train') {
      node.training = {
        configurations: configurationCount(step.search),
        epochs: typeof step.epochs === 'number' ? step.epochs : null,
        algorithm: step.search?.algorithm ?? null,
      };
    }
  }
  return node;
}
