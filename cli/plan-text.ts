import type { ExecutionPlan } from '../compiler/index.js';
import type { PlanNode } from '../compiler/phases/5-plan/plan-types.js';
import { formatColumnType } from '../compiler/spec/columns.js';

const bytes = (n: number): string => {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
};

function nodeLine(n: PlanNode): string {
  const inputs = n.inputs.length ? ` ← ${n.inputs.map((i) => (i.output === 'default' ? i.from : `${i.from}.${i.output}`)).join(', ')}` : '';
  let extra = '';
  if (n.stats) extra = `  [${n.stats.files.length} file${n.stats.files.length === 1 ? '' : 's'}, ${bytes(n.stats.bytes)}${n.stats.rows !== undefined ? `, ${n.stats.rows} rows` : ''}]`;
  if (n.training) extra = `  [${n.training.configurations ?? '?'} configuration${n.training.configurations === 1 ? '' : 's'} × ${n.training.epochs ?? '?'} epochs, ${n.training.algorithm ?? 'no search'}]`;
  return `  ${n.id} (${n.op})${inputs}${extra}`;
}

/** The default `dlc plan` text: the DAG by waves and each node's outputs. */
export function planSummary(plan: ExecutionPlan): string {
  const byId = new Map(plan.nodes.map((n) => [n.id, n]));
  const lines = [`plan for ${plan.name}: ${plan.nodes.length} nodes in ${plan.waves.length} waves, ${plan.resources.workers} worker${plan.resources.workers === 1 ? '' : 's'} (${plan.resources.workers_from})`];
  plan.waves.forEach((wave, i) => {
    lines.push(`wave ${i + 1}:`);
    for (const id of wave) {
      const n = byId.get(id)!;
      lines.push(nodeLine(n));
      for (const [name, o] of Object.entries(n.outputs)) {
        const cols = o.columns ? o.columns.map((c) => `${c.name}: ${formatColumnType(c.type)}`).join(', ') : o.kind === 'model' ? 'model' : 'columns known at run time';
        lines.push(`      ${name === 'default' ? '→' : `→ ${name}:`} ${cols}`);
      }
    }
  });
  return `${lines.join('\n')}\n`;
}

/** `dlc plan --explain`: every decision, its alternatives with their estimates, and why. */
export function planExplain(plan: ExecutionPlan): string {
  const lines = [planSummary(plan).trimEnd(), '', 'decisions:'];
  const decided = plan.nodes.filter((n) => n.decision);
  if (decided.length === 0) lines.push('  (none: this pipeline has no joins and no training)');
  for (const n of decided) {
    const d = n.decision!;
    lines.push(`  ${n.id}: ${d.kind} strategy ${d.strategy ?? '(undecided)'}  requested: ${d.requested}`);
    lines.push(`    reason: ${d.reason}`);
    if (Object.keys(d.inputs).length) lines.push(`    inputs: ${Object.entries(d.inputs).map(([k, v]) => `${k}=${v}`).join(', ')}`);
    if (d.alternatives.length) {
      const w = Math.max(...d.alternatives.map((a) => a.strategy.length));
      for (const a of d.alternatives) {
        const cost = a.feasible && a.cost !== null ? `${a.cost.toPrecision(4)} ${a.unit}` : 'infeasible';
        lines.push(`    ${a.strategy === d.strategy ? '*' : ' '} ${a.strategy.padEnd(w)}  ${cost}${a.note ? `  (${a.note})` : ''}`);
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Graphviz: sources as cylinders, steps as boxes, edges labelled with the output they carry. */
export function planDot(plan: ExecutionPlan): string {
  const q = (s: string) => JSON.stringify(s);
  const lines = [`digraph ${q(plan.name)} {`, '  rankdir=LR;', '  node [fontname="Helvetica"];'];
  for (const n of plan.nodes) {
    const label = `${n.id}\\n${n.op}${n.decision?.strategy ? `\\n${n.decision.strategy}` : ''}`;
    lines.push(`  ${q(n.id)} [shape=${n.kind === 'source' ? 'cylinder' : 'box'}, label="${label}"];`);
  }
  for (const e of plan.edges) lines.push(`  ${q(e.from)} -> ${q(e.to)}${e.output !== 'default' ? ` [label=${q(e.output)}]` : ''};`);
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
