import type { SpaceEntry } from './types.js';

/**
 * The TypeScript type of the values a search-space entry gives: a choice of strings is a union of their
 * literals (so a typo in either place is caught), numbers are `number` (a factory does arithmetic with
 * them rather than matching them), booleans `boolean`. Used for generated factories and in hints.
 */
export function typeScriptTypeOf(entry: SpaceEntry): string {
  const values = entry.choice ?? entry.grid;
  if (values === undefined) return 'number';
  const parts: string[] = [];
  const add = (t: string) => {
    if (!parts.includes(t)) parts.push(t);
  };
  for (const v of values) add(valueType(v));
  return parts.join(' | ');
}

function valueType(v: unknown): string {
  if (typeof v === 'string') return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'boolean';
  if (v === null) return 'null';
  if (Array.isArray(v)) {
    const inner = [...new Set(v.map(valueType))];
    return inner.length === 1 ? `${inner[0]!.startsWith("'") ? 'string' : inner[0]}[]` : 'unknown[]';
  }
  return 'Record<string, unknown>';
}
