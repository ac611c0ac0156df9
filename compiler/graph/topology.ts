/** DAG utilities over string ids: Kahn's waves, and one cycle's path when there is no order. */
export interface Graph {
  nodes: string[];
  /** edges[a] = the nodes a depends on. */
  deps: Map<string, Set<string>>;
}

export type Topology = { ok: true; order: string[]; waves: string[][] } | { ok: false; cycle: string[] };

export function topology(g: Graph): Topology {
  const indeg = new Map<string, number>();
  const users = new Map<string, string[]>();
  for (const n of g.nodes) {
    indeg.set(n, 0);
    users.set(n, []);
  }
  for (const n of g.nodes) {
    for (const d of g.deps.get(n) ?? []) {
      if (!indeg.has(d)) continue;
      indeg.set(n, (indeg.get(n) ?? 0) + 1);
      users.get(d)!.push(n);
    }
  }
  // Where each id stands in g.nodes, to put a wave back in declaration order without rescanning every node.
  const positions = new Map<string, number[]>();
  g.nodes.forEach((n, i) => {
    const at = positions.get(n);
    if (at) at.push(i);
    else positions.set(n, [i]);
  });
  const inDeclarationOrder = (ids: string[]): string[] => {
    const at: number[] = [];
    for (const n of new Set(ids)) at.push(...(positions.get(n) ?? []));
    return at.sort((a, b) => a - b).map((i) => g.nodes[i]!);
  };
  const waves: string[][] = [];
  let current = g.nodes.filter((n) => indeg.get(n) === 0);
  const order: string[] = [];
  while (current.length > 0) {
    waves.push(current);
    order.push(...current);
    const next: string[] = [];
    for (const n of current) {
      for (const u of users.get(n) ?? []) {
        const v = (indeg.get(u) ?? 0) - 1;
        indeg.set(u, v);
        if (v === 0) next.push(u);
      }
    }
    // Keep declaration order within a wave so plans are stable.
    current = inDeclarationOrder(next);
  }
  if (order.length === g.nodes.length) return { ok: true, order, waves };
  const ordered = new Set(order);
  return { ok: false, cycle: findCycle(g, new Set(g.nodes.filter((n) => !ordered.has(n)))) };
}

/** A cycle among the nodes left over by Kahn's algorithm, as a path that returns to its start. */
function findCycle(g: Graph, left: Set<string>): string[] {
  const start = [...left][0]!;
  const seen = new Map<string, number>();
  const path: string[] = [];
  let n = start;
  while (!seen.has(n)) {
    seen.set(n, path.length);
    path.push(n);
    const next = [...(g.deps.get(n) ?? [])].find((d) => left.has(d));
    if (next === undefined) break;
    n = next;
  }
  const cycle = path.slice(seen.get(n) ?? 0);
  // deps point backwards (reader → read); show the flow of data instead.
  return [...cycle.reverse(), cycle[0]!];
}
