/** A path into a spec document: map keys and sequence indexes, outermost first. */
export type DocPath = readonly (string | number)[];

const plainKey = /^[A-Za-z_$][\w$-]*$/;

/** `steps.search.model.layers[0].conv2d`; keys that are not plain identifiers are quoted. */
export function formatPath(path: DocPath): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (plainKey.test(part)) out += out === '' ? part : `.${part}`;
    else out += `[${JSON.stringify(part)}]`;
  }
  return out;
}

/** A map key for lookups; `\u0000` cannot occur in YAML keys we accept as paths. */
export function pathKey(path: DocPath): string {
  return path.map((p) => (typeof p === 'number' ? `#${p}` : `.${p}`)).join('\u0000');
}

/** `pathKey([...parent, part])` from `pathKey(parent)`, for walkers that would otherwise rebuild every path. */
export function childPathKey(parentKey: string, part: string | number): string {
  const own = typeof part === 'number' ? `#${part}` : `.${part}`;
  return parentKey === '' ? own : `${parentKey}\u0000${own}`;
}
