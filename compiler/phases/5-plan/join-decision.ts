import {
  bloomFilterEstimate,
  broadcastCrossover,
  type JoinAlternative,
  type JoinModelInput,
  type JoinSide,
  type JoinStrategy,
  matchFraction,
} from '../../cost/joins.js';
import { chooseJoin } from '../../cost/join-choice.js';
import { formatBytes, formatRatio, formatSeconds } from '../../cost/format.js';
import type { JoinStep } from '../../spec/types.js';
import type { AnalysisContext } from '../4-analyze/index.js';
import { constantInputs, type PlanMachine, sizedInput } from './machine.js';
import type { Decision, DecisionInput } from './plan-types.js';
import type { PlanStatistics, Sized, TableSize } from './statistics.js';

/** An explicit choice estimated at more than this many times the automatic one is worth a warning. */
export const COSTLY_RATIO = 2;

const asList = (v: string | string[]): string[] => (Array.isArray(v) ? v : [v]);

/**
 * The join's strategy, build side and Bloom pre-filter, with every alternative's estimate. An explicit
 * strategy is honoured; it draws DLC501 when estimated at more than twice the automatic choice and DLC502
 * when it cannot run at all.
 */
export function decideJoin(ctx: AnalysisContext, stats: PlanStatistics, machine: PlanMachine, id: string, step: JoinStep): Decision {
  const keys = asList(step.on);
  const how = step.how ?? 'inner';
  const leftRef = stats.input(id, 'left');
  const rightRef = stats.input(id, 'right');
  const empty: TableSize = { rows: null, bytes: null };
  const l = leftRef ? stats.size(leftRef.target, leftRef.output) : empty;
  const r = rightRef ? stats.size(rightRef.target, rightRef.output) : empty;
  const dl = leftRef ? stats.keyDistinct(leftRef.target, leftRef.output, keys) : null;
  const dr = rightRef ? stats.keyDistinct(rightRef.target, rightRef.output, keys) : null;
  const side = (s: TableSize, d: Sized | null): JoinSide => ({ rows: s.rows?.value ?? null, bytes: s.bytes?.value ?? null, distinct: d?.value ?? null });
  const left = side(l, dl);
  const right = side(r, dr);
  const names = { left: step.left, right: step.right };
  const colocation = colocationOf(stats, leftRef, rightRef, keys, step);
  const n = machine.workers.value;
  // The choice itself is the cost model's (compiler/cost/join-choice.ts), the same function the runtime
  // asks when it checks the plan against the sizes it meets.
  const { buildSide, a, b, alternatives, strategy: auto } = chooseJoin({
    left,
    right,
    how,
    workers: n,
    memoryPerWorker: machine.memoryPerWorker.value,
    constants: machine.profile.constants,
    colocation: colocation.kind,
    colocationNote: colocation.note,
    names,
  });
  const bName = names[buildSide];
  const aName = names[buildSide === 'right' ? 'left' : 'right'];
  const requested = step.strategy ?? 'auto';
  const strategy: JoinStrategy = requested === 'auto' ? auto : requested;
  const row = (s: JoinStrategy) => alternatives.find((x) => x.strategy === s)!;
  const chosen = row(strategy);
  const path = ['steps', id, 'strategy'];
  if (!chosen.feasible) {
    ctx.report('DLC502', path, `${strategy} cannot run here: ${chosen.note}`, { hint: `strategy: auto would take ${auto} here` });
  } else if (requested !== 'auto' && chosen.seconds !== null && row(auto).seconds !== null && chosen.seconds > COSTLY_RATIO * row(auto).seconds!) {
    const ratio = chosen.seconds / row(auto).seconds!;
    ctx.report('DLC501', path, `${strategy} is estimated at ${formatSeconds(chosen.seconds)} per worker, ${formatRatio(ratio)} the ${formatSeconds(row(auto).seconds!)} of ${auto} for these inputs`, { hint: `strategy: auto would take ${auto}; see dlc plan --explain` });
  }

  // Bloom pre-filter of A by B's keys: only where A's unmatched rows may be dropped. A semi join drops
  // them itself; an anti join keeps exactly them.
  const aSide = buildSide === 'right' ? 'left' : 'right';
  const keepsUnmatched = how === 'full' || (how === 'left' && aSide === 'left') || (how === 'right' && aSide === 'right') || (how === 'anti' && aSide === 'left');
  const bloomAllowed = !keepsUnmatched;
  const selectivity = matchFraction(a.distinct, b.distinct);
  const bloomEst = selectivity === null ? null : bloomFilterEstimate(strategy, a, b, n, selectivity, machine.profile.constants);
  const bloomRequested = step.bloom_filter ?? 'auto';
  let bloom = false;
  let bloomWhy: string;
  if (bloomRequested === false) bloomWhy = 'no Bloom filter (bloom_filter: false)';
  else if (!bloomAllowed) {
    bloomWhy = `no Bloom filter: a ${how} join keeps the unmatched rows of ${aName}`;
    if (bloomRequested === true) ctx.report('DLC502', ['steps', id, 'bloom_filter'], `a Bloom filter would drop the unmatched rows of ${aName}, which a ${how} join keeps`, { hint: 'remove bloom_filter or set it to auto' });
  } else if (bloomRequested === true) {
    bloom = true;
    bloomWhy = bloomEst ? `Bloom filter as the spec asks (costs ${formatSeconds(bloomEst.cost)}, saves ${formatSeconds(bloomEst.saved)})` : 'Bloom filter as the spec asks';
  } else if (!bloomEst) bloomWhy = 'no Bloom filter: the key statistics to judge it are unknown';
  else if (selectivity! >= 0.99) bloomWhy = `no Bloom filter: nearly every key in ${aName} has a match`;
  else if (bloomEst.saved > bloomEst.cost) {
    bloom = true;
    bloomWhy = `a Bloom filter of the keys in ${bName} (${formatBytes(bloomEst.filterBytes)}): ~${Math.round(selectivity! * 100)}% of the keys in ${aName} match, so it saves ${formatSeconds(bloomEst.saved)} for ${formatSeconds(bloomEst.cost)}`;
  } else {
    bloomWhy = `no Bloom filter: ~${Math.round(selectivity! * 100)}% of the keys in ${aName} match${strategy === 'broadcast' || strategy === 'colocated' ? ` and ${strategy} does not move ${aName}` : `; it would cost ${formatSeconds(bloomEst.cost)} to save ${formatSeconds(bloomEst.saved)}`}`;
  }

  const reason = `${joinReason({ requested, strategy, auto, alternatives, a, b, aName, bName, n, colocation, constants: machine.profile.constants })}; ${bloomWhy}.`;
  const inputs: Record<string, DecisionInput> = {
    'left.rows': sizedInput(l.rows, 'rows'),
    'left.bytes': sizedInput(l.bytes, 'B'),
    'left.key_distinct': sizedInput(dl, 'keys'),
    'right.rows': sizedInput(r.rows, 'rows'),
    'right.bytes': sizedInput(r.bytes, 'B'),
    'right.key_distinct': sizedInput(dr, 'keys'),
    workers: sizedInput(machine.workers),
    memory_per_worker: sizedInput(machine.memoryPerWorker, 'B'),
    ...(selectivity !== null ? { match_fraction: { value: Number(selectivity.toFixed(4)), from: 'estimate', note: `share of the keys in ${aName} found in ${bName}: min(1, distinct in ${bName} / distinct in ${aName})` } satisfies DecisionInput } : {}),
    ...constantInputs(machine, ['read_bytes_per_s', 'sort_bytes_per_s', 'hash_bytes_per_s', 'send_bytes_per_s', 'hash_index_bytes_per_row']),
  };
  return {
    kind: 'join',
    strategy,
    requested,
    alternatives: alternatives.map((x) => ({ strategy: x.strategy, cost: x.feasible ? x.seconds : null, unit: 's', feasible: x.feasible, note: x.note })),
    reason,
    settings: { build_side: buildSide, bloom_filter: bloom },
    inputs,
  };
}

interface Colocation {
  kind: JoinModelInput['colocation'];
  note: string;
}

/**
 * Co-location is proven only when one partitioned source feeds both inputs through steps that keep the
 * key, and it is partitioned on (a subset of) the join key: equal keys then sit in the same partition.
 * Two different sources that each declare such a partitioning are taken at their word, but only on request.
 */
function colocationOf(stats: PlanStatistics, leftRef: { target: string; output: string } | undefined, rightRef: { target: string; output: string } | undefined, keys: string[], step: JoinStep): Colocation {
  const lo = leftRef ? stats.origin(leftRef.target, leftRef.output, keys) : undefined;
  const ro = rightRef ? stats.origin(rightRef.target, rightRef.output, keys) : undefined;
  const onKeys = (src: string) => {
    const by = stats.partitionedBy(src);
    return by.length > 0 && by.every((c) => keys.includes(c)) ? by : undefined;
  };
  const lb = lo ? onKeys(lo.source) : undefined;
  const rb = ro ? onKeys(ro.source) : undefined;
  if (lo && ro && lb && rb) {
    if (lo.source === ro.source) return { kind: 'proven', note: `both inputs come from ${lo.source}, partitioned on ${lb.join(', ')}` };
    if (lb.join() === rb.join()) return { kind: 'declared', note: `${lo.source} and ${ro.source} both declare partitioned_by ${lb.join(', ')}; dlc cannot check that their files split the keys alike` };
  }
  const which = !lb ? (lo ? `${lo.source} is not partitioned on ${keys.join(', ')}` : `the key of ${step.left} is not read straight from a source`) : !rb ? (ro ? `${ro.source} is not partitioned on ${keys.join(', ')}` : `the key of ${step.right} is not read straight from a source`) : `${lo!.source} and ${ro!.source} are partitioned differently`;
  return { kind: 'none', note: `not co-located: ${which}` };
}

function joinReason(x: {
  requested: string;
  strategy: JoinStrategy;
  auto: JoinStrategy;
  alternatives: JoinAlternative[];
  a: JoinSide;
  b: JoinSide;
  aName: string;
  bName: string;
  n: number;
  colocation: Colocation;
  constants: PlanMachine['profile']['constants'];
}): string {
  const row = (s: JoinStrategy) => x.alternatives.find((a) => a.strategy === s)!;
  const build =
    x.b.bytes !== null && x.a.bytes !== null
      ? `${x.bName} (${formatBytes(x.b.bytes)}) is the smaller input and the build side`
      : x.b.rows !== null && x.a.rows !== null
        ? `${x.bName} (${x.b.rows} rows) is the smaller input and the build side`
        : `the sizes are unknown, so ${x.bName} (written on the right) is the build side`;
  if (x.requested !== 'auto') {
    const mine = row(x.strategy);
    const best = row(x.auto);
    const cmp =
      x.strategy === x.auto
        ? 'the cost model agrees'
        : mine.seconds !== null && best.seconds !== null && mine.feasible
          ? `auto would take ${x.auto}, estimated at ${formatSeconds(best.seconds)} against ${formatSeconds(mine.seconds)} per worker`
          : `auto would take ${x.auto}`;
    return `${x.strategy} as the spec asks; ${cmp}; ${build}`;
  }
  if (x.strategy === 'colocated') return `${x.colocation.note}: co-located, nothing moves; ${build}`;
  const chosen = row(x.strategy);
  if (chosen.seconds === null) return `input sizes unknown: sort_merge, which never needs an input to fit in memory; ${build}`;
  const others = x.alternatives.filter((a) => a.strategy !== x.strategy && a.feasible && a.seconds !== null).sort((p, q) => p.seconds! - q.seconds!);
  const next = others[0];
  const tie = next !== undefined && next.seconds! <= chosen.seconds * (1 + 1e-9);
  const vs = !next ? '' : tie ? `, as cheap as ${next.strategy}; of equals, the one that holds less in memory` : ` against ${formatSeconds(next.seconds!)} for ${next.strategy}, the next best`;
  let crossover = '';
  // The crossover is between broadcast and sort-merge; it says why one of the two was taken.
  if (x.a.bytes !== null && x.b.bytes !== null && x.b.bytes > 0 && row('broadcast').feasible && (x.strategy === 'broadcast' || x.strategy === 'sort_merge')) {
    const nStar = Number(broadcastCrossover(x.a.bytes, x.b.bytes, x.constants).toPrecision(3));
    crossover = x.strategy === 'broadcast'
      ? `; broadcasting ${x.bName} beats sort-merge below ~${nStar} workers and there are ${x.n}`
      : `; broadcasting ${x.bName} would beat sort-merge only below ~${nStar} workers and there are ${x.n}`;
  } else if (!row('broadcast').feasible) {
    crossover = `; broadcast is out: ${row('broadcast').note}`;
  }
  return `${build}; ${x.strategy} is the cheapest estimate at ${formatSeconds(chosen.seconds)} per worker${vs}${crossover}`;
}
