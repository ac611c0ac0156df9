import { dirname, isAbsolute, resolve } from 'node:path';
import type { DocPath } from '../../source/doc-path.js';
import type { LocationTable } from '../../source/locations.js';

const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Which fields are file paths, as paths with `*` for any key. */
const PATH_FIELDS: DocPath[] = [
  ['sources', '*', 'path'],
  ['sources', '*', 'images'],
  ['sources', '*', 'labels'],
  ['steps', '*', 'model', 'module'],
  ['steps', '*', 'model', 'workdir'],
  ['steps', '*', 'path'],
  ['resources', 'cluster', 'store'],
  ['resources', 'cluster', 'password_file'],
];

/**
 * Relative paths resolve against the directory of the file that wrote them (an include's paths against
 * the include's directory), never against the shell's working directory.
 */
export function resolvePaths(doc: Record<string, unknown>, locations: LocationTable): void {
  for (const pattern of PATH_FIELDS) visit(doc, pattern, []);

  function visit(node: unknown, rest: DocPath, at: DocPath): void {
    if (!isMap(node) || rest.length === 0) return;
    const [head, ...tail] = rest as [string, ...DocPath];
    const keys = head === '*' ? Object.keys(node) : [head];
    for (const k of keys) {
      if (!Object.prototype.hasOwnProperty.call(node, k)) continue;
      const p = [...at, k];
      if (tail.length === 0) {
        const v = node[k];
        if (typeof v === 'string' && v !== '' && !isAbsolute(v) && !v.includes('${')) {
          node[k] = resolve(dirname(locations.sourceOf(p).path), v);
        }
      } else visit(node[k], tail, p);
    }
  }
}
