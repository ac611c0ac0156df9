/**
 * Which strategy a join runs, on which build side, and who said so. One place decides: the planner's cost
 * model (compiler/cost/join-choice.ts).
 *
 * - A plan node carries its decision (strategy, build side): the runtime runs exactly that. When the
 *   decision was automatic, the runtime asks the same model again with the sizes the inputs turned out to
 *   have and the plan's own constants, workers and memory, and reports the answer next to the plan's
 *   (JoinStats.check): a plan decided from estimates is shown to hold or not, never silently changed.
 * - A join no plan decided (runJoin called directly, as tests and benchmarks do): the step's explicit
 *   strategy, else that same model over the inputs' measured sizes with the default constants.
 */
import { totalmem } from 'node:os';
import { CONSTANT_NAMES, DEFAULT_CONSTANTS, type MachineConstants } from '../../../compiler/cost/constants.js';
import { chooseJoin } from '../../../compiler/cost/join-choice.js';
import type { JoinSide } from '../../../compiler/cost/joins.js';
import type { Decision, PlanNode } from '../../../compiler/phases/5-plan/plan-types.js';
import type { Table } from '../types.js';
import { isJoinStrategy, type JoinSpec, type JoinStrategy } from './join-spec.js';
import type { JoinStats, PlanCheck, SideSizes } from './join-stats.js';
import type { Side } from './match-rules.js';

export interface ChosenStrategy {
  strategy: JoinStrategy;
  chosenBy: JoinStats['chosenBy'];
  reason: string;
  /** The side to build hash tables on (and to broadcast); absent: the smaller one by rows. */
  buildSide?: Side;
  check?: PlanCheck;
}

/** Columnar bytes of a table's buffers: what the planner's `bytes` estimates. */
export function tableBytes(t: Table): number {
  return t.batches.reduce((sum, b) => sum + b.data.byteLength, 0);
}

const sizesOf = (t: Table): SideSizes => ({ rows: t.numRows, bytes: tableBytes(t) });

export function chooseStrategy(node: PlanNode, spec: JoinSpec, left: Table, right: Table, workers: number): ChosenStrategy {
  const decision = node.decision;
  if (decision && isJoinStrategy(decision.strategy)) {
    const buildSide = decision.settings?.build_side;
    const check = decision.requested === 'auto' ? checkPlan(decision, spec, { left: sizesOf(left), right: sizesOf(right) }, workers) : undefined;
    return { strategy: decision.strategy, chosenBy: 'plan', reason: decision.reason, ...(buildSide ? { buildSide } : {}), ...(check ? { check } : {}) };
  }
  if (spec.strategy !== 'auto') return { strategy: spec.strategy, chosenBy: 'spec', reason: 'explicit in the spec' };
  const sizes = { left: sizesOf(left), right: sizesOf(right) };
  const choice = chooseJoin({
    left: side(sizes.left),
    right: side(sizes.right),
    how: spec.how,
    workers,
    memoryPerWorker: totalmem() / Math.max(1, workers),
    constants: { ...DEFAULT_CONSTANTS },
    colocation: 'none',
    colocationNote: 'no plan says the inputs are co-located',
  });
  const est = choice.alternatives.find((a) => a.strategy === choice.strategy);
  return {
    strategy: choice.strategy,
    chosenBy: 'model',
    reason: `no plan decided this join: the cost model over the inputs' sizes (${sizes.left.rows} x ${sizes.right.rows} rows) with the default constants takes ${choice.strategy}${est?.seconds != null ? `, estimated ${est.seconds.toPrecision(3)} s per worker` : ''}`,
    buildSide: choice.buildSide,
  };
}

const side = (s: SideSizes): JoinSide => ({ rows: s.rows, bytes: s.bytes, distinct: null });

/** A decision input's number, when the plan recorded one. */
function inputValue(d: Decision, name: string): number | null {
  const v = d.inputs?.[name]?.value;
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/**
 * The cost model's choice for the sizes the inputs actually have, with everything else as the plan had
 * it (its constants and memory; the workers this run has), set against the plan's choice.
 */
export function checkPlan(d: Decision, spec: JoinSpec, actual: { left: SideSizes; right: SideSizes }, workers: number): PlanCheck {
  const constants = { ...DEFAULT_CONSTANTS } as MachineConstants;
  for (const name of CONSTANT_NAMES) {
    const v = inputValue(d, name);
    if (v !== null && v > 0) constants[name] = v;
  }
  const planned = {
    left: { rows: inputValue(d, 'left.rows'), bytes: inputValue(d, 'left.bytes') },
    right: { rows: inputValue(d, 'right.rows'), bytes: inputValue(d, 'right.bytes') },
  };
  const choice = chooseJoin({
    left: side(actual.left),
    right: side(actual.right),
    how: spec.how,
    workers,
    memoryPerWorker: inputValue(d, 'memory_per_worker') ?? totalmem() / Math.max(1, workers),
    constants,
    // Co-location is a property of the sources the planner proved; sizes do not change it.
    colocation: d.strategy === 'colocated' ? 'proven' : 'none',
    colocationNote: d.strategy === 'colocated' ? 'as the plan found' : 'not co-located',
  });
  const plannedSide = d.settings?.build_side;
  const agrees = choice.strategy === d.strategy && (plannedSide === undefined || plannedSide === choice.buildSide);
  const rows = (s: { rows: number | null }) => (s.rows === null ? '?' : s.rows.toLocaleString('en-US'));
  const sizes = `the inputs hold ${rows(actual.left)} x ${rows(actual.right)} rows (the plan estimated ${rows(planned.left)} x ${rows(planned.right)})`;
  const note = agrees
    ? `${sizes}; at these sizes the cost model also takes ${choice.strategy}, build side ${choice.buildSide}`
    : `${sizes}; at these sizes the cost model would take ${choice.strategy}, build side ${choice.buildSide}, where the plan has ${d.strategy}${plannedSide ? `, build side ${plannedSide}` : ''}; the join runs as planned`;
  return { planned, actual, strategy: choice.strategy, buildSide: choice.buildSide, agrees, note };
}
