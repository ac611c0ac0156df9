/**
 * The join step's resolved definition (node.config) read and checked: the analyzer has already validated
 * it against the spec schema, so a failure here means a plan built by something else; it is still a
 * DataError with the field named, never a stack trace.
 */
import { DataError } from '../types.js';
import { JOIN_HOWS, type JoinHow } from './match-rules.js';

export const JOIN_STRATEGIES = ['broadcast', 'shuffle_hash', 'sort_merge', 'colocated'] as const;
export type JoinStrategy = (typeof JOIN_STRATEGIES)[number];

export interface JoinSpec {
  on: string[];
  how: JoinHow;
  strategy: JoinStrategy | 'auto';
  bloomFilter: boolean | 'auto';
  suffix: string;
}

export function readJoinSpec(config: Record<string, unknown>, where = 'join'): JoinSpec {
  const on = typeof config.on === 'string' ? [config.on] : config.on;
  if (!Array.isArray(on) || on.length === 0 || !on.every((k) => typeof k === 'string' && k !== '')) throw new DataError(`${where}: 'on' must name one key column or a list of them`);
  if (new Set(on).size !== on.length) throw new DataError(`${where}: 'on' names a key column twice`);
  const how = (config.how ?? 'inner') as JoinHow;
  if (!JOIN_HOWS.includes(how)) throw new DataError(`${where}: 'how' must be one of ${JOIN_HOWS.join(', ')} (got ${JSON.stringify(config.how)})`);
  const strategy = (config.strategy ?? 'auto') as JoinStrategy | 'auto';
  if (strategy !== 'auto' && !JOIN_STRATEGIES.includes(strategy)) throw new DataError(`${where}: 'strategy' must be auto or one of ${JOIN_STRATEGIES.join(', ')} (got ${JSON.stringify(config.strategy)})`);
  const bloom = config.bloom_filter ?? 'auto';
  if (bloom !== 'auto' && typeof bloom !== 'boolean') throw new DataError(`${where}: 'bloom_filter' must be auto, true or false`);
  const suffix = config.suffix ?? '_right';
  if (typeof suffix !== 'string' || suffix === '') throw new DataError(`${where}: 'suffix' must be a non-empty string`);
  return { on: on as string[], how, strategy, bloomFilter: bloom, suffix };
}

export function isJoinStrategy(s: unknown): s is JoinStrategy {
  return typeof s === 'string' && (JOIN_STRATEGIES as readonly string[]).includes(s);
}
