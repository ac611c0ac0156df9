/**
 * What every worker needs to know about a join besides the rows: its type, the key columns on each side,
 * and where each output column comes from. Plain data, so it crosses to worker threads as it is.
 */
import type { KeyColumn } from './keys.js';
import type { JoinHow, Side } from './match-rules.js';

export interface OutputColumn {
  /** `coalesce`: a key column of a right or full join, from the left row when there is one, else the right. */
  from: Side | 'coalesce';
  left: number;
  right: number;
}

export interface JoinShape {
  how: JoinHow;
  leftKeys: KeyColumn[];
  rightKeys: KeyColumn[];
  output: OutputColumn[];
}

export const keysOf = (shape: JoinShape, side: Side): KeyColumn[] => (side === 'left' ? shape.leftKeys : shape.rightKeys);
export const otherSide = (side: Side): Side => (side === 'left' ? 'right' : 'left');
