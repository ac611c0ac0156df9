import { didYouMean } from '../../../diagnostics/did-you-mean.js';
import type { SpaceEntry } from '../../../spec/types.js';
import { SPACE_KINDS, type SpaceKind } from '../../../spec/vocabulary.js';
import type { AnalysisContext } from '../context.js';

/** Each entry has one distribution with possible bounds; conditions name real parameters and values; grids enumerate. */
export function checkSearchSpaces(ctx: AnalysisContext): void {
  for (const [id, step] of Object.entries(ctx.spec.steps ?? {})) {
    if (step.op !== 'train' || !step.search) continue;
    const space = step.search.space;
    for (const [name, entry] of Object.entries(space)) {
      const base = ['steps', id, 'search', 'space', name];
      const kinds = SPACE_KINDS.filter((k) => entry[k] !== undefined);
      if (kinds.length === 0) {
        ctx.report('DLC202', base, `entry '${name}' has no distribution`, { prefer: 'key', hint: `give one of ${SPACE_KINDS.join(', ')}` });
        continue;
      }
      if (kinds.length > 1) {
        ctx.report('DLC210', [...base, kinds[1]!], `entry '${name}' has both ${kinds[0]} and ${kinds[1]}; give exactly one distribution`, { prefer: 'key' });
        continue;
      }
      const kind = kinds[0]!;
      checkBounds(ctx, [...base, kind], kind, entry);
      if (step.search.algorithm === 'grid' && kind !== 'choice' && kind !== 'grid' && kind !== 'int') {
        ctx.report('DLC415', [...base, kind], `grid search cannot enumerate a ${kind} distribution`, { prefer: 'key', hint: 'use choice/grid/int values, or algorithm: random (or tpe) with trials: N' });
      }
      if (entry.when) checkCondition(ctx, id, name, entry.when, space);
    }
  }
}

function checkBounds(ctx: AnalysisContext, path: (string | number)[], kind: SpaceKind, entry: SpaceEntry): void {
  const v = entry[kind] as unknown[];
  const [a, b, c] = v as number[];
  const report = (m: string) => ctx.report('DLC408', path, m);
  switch (kind) {
    case 'choice':
    case 'grid': {
      const seen = new Set(v.map((x) => JSON.stringify(x)));
      if (seen.size !== v.length) report(`${kind} lists the same value twice`);
      return;
    }
    case 'uniform':
    case 'int':
      if (a! >= b!) report(`${kind} bounds [${a}, ${b}]: the low bound must be below the high bound`);
      return;
    case 'loguniform':
    case 'logint':
      if (a! <= 0) report(`${kind} bounds must be > 0 (they are real bounds, not exponents), got [${a}, ${b}]`);
      else if (a! >= b!) report(`${kind} bounds [${a}, ${b}]: the low bound must be below the high bound`);
      return;
    case 'quniform':
      if (a! >= b!) report(`quniform bounds [${a}, ${b}]: the low bound must be below the high bound`);
      else if (!(c! > 0)) report(`quniform step q must be > 0, got ${c}`);
      else if (c! > b! - a!) report(`quniform step q = ${c} is larger than the range [${a}, ${b}]`);
      return;
    case 'normal':
      if (!(b! > 0)) report(`normal standard deviation must be > 0, got ${b}`);
      return;
  }
}

function checkCondition(ctx: AnalysisContext, id: string, name: string, when: Record<string, unknown>, space: Record<string, SpaceEntry>): void {
  for (const [param, value] of Object.entries(when)) {
    const path = ['steps', id, 'search', 'space', name, 'when', param];
    if (param === name) {
      ctx.report('DLC414', path, `entry '${name}' cannot depend on itself`, { prefer: 'key' });
      continue;
    }
    const other = space[param];
    if (!other) {
      ctx.report('DLC414', path, `condition on '${param}', which is not an entry of the search space${didYouMean(param, Object.keys(space))}`, { prefer: 'key' });
      continue;
    }
    const values = other.choice ?? other.grid;
    if (values && !values.some((v) => JSON.stringify(v) === JSON.stringify(value))) {
      ctx.report('DLC414', path, `'${param}' never takes the value ${JSON.stringify(value)} (its values: ${values.map((x) => JSON.stringify(x)).join(', ')}), so '${name}' would never exist`);
    }
    if (other.when && Object.prototype.hasOwnProperty.call(other.when, name)) {
      ctx.report('DLC414', path, `'${name}' and '${param}' each exist only when the other does`, { prefer: 'key' });
    }
  }
}
