import type { ExecutionPlan } from '../compiler/index.js';
import { formatBytes, formatCount, formatSeconds } from '../compiler/cost/format.js';
import type { DecisionInput, PlanNode } from '../compiler/phases/5-plan/plan-types.js';
import { formatColumnType } from '../compiler/spec/columns.js';

const bytesLong = (n: number): string => {
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
  if (n.stats) extra = `  [${n.stats.files.length} file${n.stats.files.length === 1 ? '' : 's'}, ${bytesLong(n.stats.bytes)}${n.stats.rows !== undefined ? `, ${n.stats.rows} rows` : ''}]`;
  if (n.training) extra = `  [${n.training.configurations ?? '?'} configuration${n.training.configurations === 1 ? '' : 's'} × ${n.training.epochs ?? '?'} epochs, ${n.training.algorithm ?? 'no search'}]`;
  if (n.strategy) extra += `  strategy: ${n.strategy}`;
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

/** `dlc plan --explain`: every decision, its alternatives with their estimates, the inputs and why. */
export function planExplain(plan: ExecutionPlan): string {
  const lines = [planSummary(plan).trimEnd(), '', 'decisions:'];
  const decided = plan.nodes.filter((n) => n.decision);
  if (decided.length === 0) lines.push('  (none: this pipeline has no joins and no training)');
  for (const n of decided) lines.push('', ...explainDecision(n));
  return `${lines.join('\n')}\n`;
}

/** One decision as a block: the choice, the reason, a table of alternatives and a table of inputs. */
export function explainDecision(node: PlanNode): string[] {
  const d = node.decision!;
  const lines = [`  ${node.id}: ${d.kind} strategy ${d.strategy} (requested: ${d.requested})`];
  const inputName = (field: string) => {
    const i = node.inputs.find((x) => x.field === field);
    return i ? (i.output === 'default' ? i.from : `${i.from}.${i.output}`) : field;
  };
  const settings = Object.entries(d.settings).map(([k, v]) =>
    k === 'build_side' ? `build side ${v} (${inputName(String(v))})` : k === 'bloom_filter' ? `Bloom filter ${v ? 'yes' : 'no'}` : `${k.replace(/_/g, ' ')} ${v}`,
  );
  if (settings.length) lines.push(`    ${settings.join(', ')}`);
  lines.push(`    reason: ${d.reason}`);
  const training = d.alternatives.some((a) => a.bytes_moved !== undefined);
  const header = ['', 'strategy', 'estimate', ...(training ? ['bytes moved', 'storage'] : []), 'note'];
  const rows = d.alternatives.map((a) => [
    a.strategy === d.strategy ? '*' : '',
    a.strategy,
    !a.feasible ? 'infeasible' : a.cost === null ? 'unknown' : formatCost(a.cost, a.unit),
    ...(training ? [a.bytes_moved == null ? '?' : formatBytes(a.bytes_moved), a.storage_bytes == null ? '?' : formatBytes(a.storage_bytes)] : []),
    a.note ?? '',
  ]);
  lines.push(...table(header, rows).map((l) => `    ${l}`));
  const references = d.alternatives.filter((a) => a.reference);
  if (references.length) {
    lines.push('    bytes moved against Cerebro (VLDB 2020, Table 2):');
    for (const a of references) lines.push(`      ${a.strategy}: ${a.reference}`);
  }
  const inputs = Object.entries(d.inputs).map(([k, v]) => [k, formatInput(v), v.from, v.note ?? '']);
  lines.push('    inputs:', ...table(['name', 'value', 'from', 'note'], inputs).map((l) => `      ${l}`));
  return lines;
}

function formatCost(cost: number, unit: string): string {
  return unit === 's' ? formatSeconds(cost) : `${cost.toPrecision(4)} ${unit}`;
}

function formatInput(i: DecisionInput): string {
  const v = i.value;
  if (v === null) return '?';
  if (typeof v !== 'number') return String(v);
  switch (i.unit) {
    case 'B':
      return formatBytes(v);
    case 'B/s':
      return `${formatBytes(v)}/s`;
    case 's':
      return formatSeconds(v);
    case 'flop/s':
      return `${(v / 1e9).toPrecision(3)} Gflop/s`;
    case 'flop':
      return v >= 1e6 ? `${(v / 1e6).toPrecision(3)} Mflop` : `${formatCount(v)} flop`;
    default:
      return Number.isInteger(v) ? formatCount(v) : String(v);
  }
}

/** Left-aligned columns, two spaces apart; the last column is not padded. */
function table(header: string[], rows: string[][]): string[] {
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((r) => (r[c] ?? '').length)));
  return all.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]!))).join('  ').trimEnd());
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
