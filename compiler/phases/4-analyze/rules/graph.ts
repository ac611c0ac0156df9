import { type Graph, topology } from '../../../graph/topology.js';
import type { AnalysisContext } from '../context.js';

/** Builds the DAG from the references; a cycle is reported at the reference that closes it. */
export function buildGraph(ctx: AnalysisContext): boolean {
  const sources = Object.keys(ctx.spec.sources ?? {});
  const steps = Object.keys(ctx.spec.steps ?? {});
  const g: Graph = { nodes: [...sources, ...steps], deps: new Map() };
  for (const r of ctx.references) {
    if (!g.deps.has(r.step)) g.deps.set(r.step, new Set());
    g.deps.get(r.step)!.add(r.target);
  }
  const t = topology(g);
  if (!t.ok) {
    const [first, second] = t.cycle;
    const closing = ctx.references.find((r) => r.step === second && r.target === first) ?? ctx.references.find((r) => t.cycle.includes(r.step));
    const path = closing?.path ?? ['steps', first ?? ''];
    ctx.report('DLC400', path, `steps depend on each other in a cycle: ${t.cycle.join(' → ')}`, { hint: 'data flows from each step to the next; one of these references must go' });
    return false;
  }
  ctx.order = t.order;
  ctx.waves = t.waves;
  return true;
}
