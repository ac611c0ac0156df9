import type { SearchSpec } from '../../spec/types.js';

/**
 * How many configurations a search trains: a grid's size counts conditional entries only where their
 * condition holds; a random search's is its trial budget. Null when the algorithm decides as it goes.
 */
export function configurationCount(search: SearchSpec | undefined): number | null {
  if (!search) return 1;
  if (search.algorithm === 'grid') return gridSize(search);
  if (search.algorithm === 'random' || search.algorithm === 'tpe') return search.trials ?? search.max_trials ?? null;
  return search.max_trials ?? null;
}

function gridSize(search: SearchSpec): number {
  const entries = Object.entries(search.space);
  const valuesOf = (e: (typeof entries)[number][1]): unknown[] => {
    if (e.choice) return e.choice;
    if (e.grid) return e.grid;
    if (e.int) return Array.from({ length: Math.max(0, e.int[1] - e.int[0] + 1) }, (_, i) => e.int![0] + i);
    return [null];
  };
  // Enumerate assignments in declaration order; an entry whose condition fails is simply absent.
  let configs: Record<string, unknown>[] = [{}];
  for (const [name, entry] of entries) {
    const next: Record<string, unknown>[] = [];
    for (const c of configs) {
      const active = !entry.when || Object.entries(entry.when).every(([k, v]) => JSON.stringify(c[k]) === JSON.stringify(v));
      if (!active) {
        next.push(c);
        continue;
      }
      for (const v of valuesOf(entry)) next.push({ ...c, [name]: v });
      if (next.length > 1_000_000) return next.length;
    }
    configs = next;
  }
  return configs.length;
}
