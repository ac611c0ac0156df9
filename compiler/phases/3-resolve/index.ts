import { diag } from '../../diagnostics/codes.js';
import type { Diagnostic } from '../../diagnostics/types.js';
import type { CompilerHost } from '../../host.js';
import { type DocPath, pathKey } from '../../source/doc-path.js';
import type { LocationTable } from '../../source/locations.js';
import type { Spec } from '../../spec/types.js';
import { ID_PATTERN } from '../../spec/vocabulary.js';
import { validate } from '../2-validate/index.js';
import { interpolateDocument } from './interpolate.js';
import { resolvePaths } from './paths.js';
import { type Reference, resolveReferences } from './references.js';

export interface ResolveResult {
  spec: Spec;
  references: Reference[];
  diagnostics: Diagnostic[];
}

/** Phase 3: variables and environment substituted, paths made absolute, ids checked, references resolved. */
export function resolve(doc: Record<string, unknown>, locations: LocationTable, host: CompilerHost): ResolveResult {
  const diagnostics: Diagnostic[] = [];
  const interpolated = interpolateDocument(doc, locations, host, diagnostics);
  const value = interpolated.value as Record<string, unknown>;

  // Substituted values were only checked as `${...}` strings; check them again with their real types.
  if (interpolated.substituted.size > 0) {
    const notes = interpolated.substituted;
    diagnostics.push(
      ...validate(value, locations, (path: DocPath) => {
        for (let n = path.length; n >= 0; n--) {
          const note = notes.get(pathKey(path.slice(0, n)));
          if (note !== undefined) return note;
        }
        return undefined;
      }),
    );
  }
  resolvePaths(value, locations);
  const spec = value as unknown as Spec;
  checkIds(spec, locations, diagnostics);
  const references = diagnostics.some((d) => d.severity === 'error') ? [] : resolveReferences(spec, locations, diagnostics);
  return { spec, references, diagnostics };
}

function checkIds(spec: Spec, locations: LocationTable, diagnostics: Diagnostic[]): void {
  const sources = Object.keys(spec.sources ?? {});
  for (const [section, ids] of [['sources', sources], ['steps', Object.keys(spec.steps ?? {})]] as const) {
    for (const id of ids) {
      if (!ID_PATTERN.test(id)) {
        const p = [section, id];
        const suggestion = id.toLowerCase().replace(/[^a-z0-9_]/g, '_').replace(/^[^a-z]+/, '');
        diagnostics.push(diag('DLC312', locations.locate(p, 'key'), p, `'${id}' is not a valid id: ids are lowercase letters, digits and _, starting with a letter`, suggestion ? { hint: `for example '${suggestion}'` } : {}));
      }
    }
  }
  for (const id of Object.keys(spec.steps ?? {})) {
    if (sources.includes(id)) {
      const p = ['steps', id];
      diagnostics.push(diag('DLC308', locations.locate(p, 'key'), p, `'${id}' is already the id of a source; ids are unique across sources and steps`, { related: [{ ...locations.locate(['sources', id], 'key'), message: 'the source is defined here' }] }));
    }
  }
}
