import { dirname, resolve as resolvePath } from 'node:path';
import { diag } from '../../diagnostics/codes.js';
import type { Diagnostic } from '../../diagnostics/types.js';
import type { CompilerHost } from '../../host.js';
import type { DocPath } from '../../source/doc-path.js';
import { LocationTable } from '../../source/locations.js';
import { SourceFile } from '../../source/source-file.js';
import { type ParseResult, parse } from './index.js';

const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * `include:` merges reusable fragments under the including file: includes first, in order, then the
 * file itself, later keys winning. Maps merge deeply; lists and scalars are replaced, and a replacement
 * with a different value is reported, so an override is never silent. Included files may include more.
 */
export function expandIncludes(root: ParseResult, host: CompilerHost): ParseResult {
  const diagnostics = [...root.diagnostics];
  const value = expand(root, [root.locations.root.path], host, diagnostics);
  return { value: value.value, locations: value.locations, diagnostics };
}

function expand(doc: ParseResult, stack: string[], host: CompilerHost, diagnostics: Diagnostic[]): { value: unknown; locations: LocationTable } {
  if (!isMap(doc.value) || doc.value.include === undefined) return { value: doc.value, locations: doc.locations };
  const file = doc.locations.root.path;
  const raw = doc.value.include;
  const entries: [string, DocPath][] =
    typeof raw === 'string' ? [[raw, ['include']]] : Array.isArray(raw) ? raw.flatMap((r, i) => (typeof r === 'string' ? [[r, ['include', i]] as [string, DocPath]] : [])) : [];

  const acc: Record<string, unknown> = {};
  const locations = new LocationTable(doc.locations.root);
  for (const [rel, at] of entries) {
    const target = resolvePath(dirname(file), rel);
    if (stack.includes(target)) {
      const cycle = [...stack.slice(stack.indexOf(target)), target].join(' → ');
      diagnostics.push(diag('DLC305', doc.locations.locate(at), at, `'${rel}' is already being included: ${cycle}`));
      continue;
    }
    const text = host.readFile(target);
    if (text === undefined) {
      diagnostics.push(diag('DLC304', doc.locations.locate(at), at, `cannot read included file '${rel}' (${target})`));
      continue;
    }
    const parsed = parse(new SourceFile(target, text));
    diagnostics.push(...parsed.diagnostics);
    if (parsed.value === undefined) continue;
    if (!isMap(parsed.value)) {
      diagnostics.push(diag('DLC200', parsed.locations.locate([]), [], `an included file must be a mapping of top-level keys, got ${Array.isArray(parsed.value) ? 'a list' : 'a scalar'}`));
      continue;
    }
    const inner = expand(parsed, [...stack, target], host, diagnostics);
    mergeInto(acc, inner.value as Record<string, unknown>, [], locations, inner.locations, diagnostics);
    locations.absorb(inner.locations, true);
  }
  const own = { ...doc.value };
  mergeInto(acc, own, [], locations, doc.locations, diagnostics);
  locations.absorb(doc.locations, true);
  return { value: acc, locations };
}

function mergeInto(
  target: Record<string, unknown>,
  src: Record<string, unknown>,
  path: DocPath,
  targetLocs: LocationTable,
  srcLocs: LocationTable,
  diagnostics: Diagnostic[],
): void {
  for (const key of Object.keys(src)) {
    const p = [...path, key];
    const next = src[key];
    const prev = Object.prototype.hasOwnProperty.call(target, key) ? target[key] : undefined;
    if (isMap(prev) && isMap(next)) {
      mergeInto(prev, next, p, targetLocs, srcLocs, diagnostics);
      continue;
    }
    if (prev !== undefined && key !== 'include' && JSON.stringify(prev) !== JSON.stringify(next)) {
      const before = targetLocs.locate(p);
      diagnostics.push(
        diag('DLC306', srcLocs.locate(p), p, `overrides the value ${JSON.stringify(prev)} set by an included file`, {
          related: [{ ...before, message: 'first set here' }],
        }),
      );
    }
    Object.defineProperty(target, key, { value: next, enumerable: true, writable: true, configurable: true });
  }
}
