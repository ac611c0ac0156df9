/**
 * The one place a join's strategy is chosen: build side, what rules broadcast out, every alternative's
 * estimate and the automatic pick, from what is known about the two inputs and the machine. The planner
 * (compiler/phases/5-plan/join-decision.ts) calls it with its statistics and records the result in the
 * plan; the runtime runs the plan's decision and calls it again only to say whether the sizes it actually
 * met would have changed the choice, or to decide a join that no plan decided (tests, benchmarks).
 * A pure function.
 */
import type { MachineConstants } from './constants.js';
import { chooseBuildSide, estimateJoin, type JoinAlternative, type JoinModelInput, type JoinSide, type JoinStrategy, pickJoinStrategy } from './joins.js';

export type JoinHow = 'inner' | 'left' | 'right' | 'full' | 'semi' | 'anti';

export interface JoinChoiceInput {
  left: JoinSide;
  right: JoinSide;
  how: JoinHow;
  workers: number;
  memoryPerWorker: number;
  constants: MachineConstants;
  colocation: JoinModelInput['colocation'];
  colocationNote: string;
  /** The inputs' names in notes (default `left`, `right`). */
  names?: { left: string; right: string };
}

export interface JoinChoice {
  buildSide: 'left' | 'right';
  /** The larger input (A) and the smaller (B) of the cost model. */
  a: JoinSide;
  b: JoinSide;
  alternatives: JoinAlternative[];
  /** What `strategy: auto` takes. */
  strategy: JoinStrategy;
  /** Why broadcasting B cannot give the right answer for this join type, when it cannot. */
  broadcastBlocked?: string;
}

export function chooseJoin(input: JoinChoiceInput): JoinChoice {
  const { left, right, how } = input;
  const names = input.names ?? { left: 'left', right: 'right' };
  const buildSide = chooseBuildSide(left, right);
  const [a, b] = buildSide === 'right' ? [left, right] : [right, left];
  const bName = names[buildSide];
  // A side whose unmatched rows the join keeps cannot be the broadcast one: every worker would emit them.
  const preserved = new Set<'left' | 'right'>(how === 'left' || how === 'semi' || how === 'anti' ? ['left'] : how === 'right' ? ['right'] : how === 'full' ? ['left', 'right'] : []);
  const broadcastBlocked = !preserved.has(buildSide)
    ? undefined
    : how === 'semi' || how === 'anti'
      ? `a ${how} join returns each row of ${bName} once, by whether anything matches it; with ${bName} broadcast each worker sees only its share of the other input`
      : `a ${how} join keeps the unmatched rows of ${bName} once; with ${bName} broadcast every worker would emit them`;
  const alternatives = estimateJoin({
    a,
    b,
    workers: input.workers,
    memoryPerWorker: input.memoryPerWorker,
    constants: input.constants,
    colocation: input.colocation,
    colocationNote: input.colocationNote,
    bName,
    ...(broadcastBlocked ? { broadcastBlocked } : {}),
  });
  const strategy = pickJoinStrategy(alternatives, input.colocation);
  return { buildSide, a, b, alternatives, strategy, ...(broadcastBlocked ? { broadcastBlocked } : {}) };
}
