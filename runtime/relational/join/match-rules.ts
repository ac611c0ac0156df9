/**
 * What a join type asks of each side, once the build side is chosen: which matches become output pairs
 * and which rows appear without a match. Semi and anti joins output left rows only.
 */
export const JOIN_HOWS = ['inner', 'left', 'right', 'full', 'semi', 'anti'] as const;
export type JoinHow = (typeof JOIN_HOWS)[number];
export type Side = 'left' | 'right';

export interface MatchRules {
  /** Every matching (probe, build) pair is output. */
  pairs: boolean;
  /** A probe row without a match is output once, the build side null. */
  probeUnmatched: boolean;
  /** A probe row with at least one match is output once, without its matches (semi join). */
  probeMatched: boolean;
  /** A build row without a match is output once, the probe side null. */
  buildUnmatched: boolean;
  /** A build row with at least one match is output once (semi join with the left side built). */
  buildMatched: boolean;
}

/** Rows of `side` that are output even when nothing matches them. */
export function preserves(how: JoinHow, side: Side): boolean {
  return side === 'left' ? how === 'left' || how === 'full' || how === 'anti' : how === 'right' || how === 'full';
}

export function matchRules(how: JoinHow, buildSide: Side): MatchRules {
  const probeSide: Side = buildSide === 'left' ? 'right' : 'left';
  const semiAnti = how === 'semi' || how === 'anti';
  return {
    pairs: !semiAnti,
    probeUnmatched: preserves(how, probeSide),
    probeMatched: how === 'semi' && probeSide === 'left',
    buildUnmatched: preserves(how, buildSide),
    buildMatched: how === 'semi' && buildSide === 'left',
  };
}

export const marksBuild = (r: MatchRules): boolean => r.buildUnmatched || r.buildMatched;
