import { diag } from '../../diagnostics/codes.js';
import { didYouMean } from '../../diagnostics/did-you-mean.js';
import type { Diagnostic } from '../../diagnostics/types.js';
import { pipelineSchema, WHOLE_INTERPOLATION } from '../../schema/pipeline-schema.js';
import type { DocPath } from '../../source/doc-path.js';
import type { LocationTable } from '../../source/locations.js';
import validateSchema, { type AjvError } from './schema-validator.generated.js';

type Schema = Record<string, unknown>;

/**
 * Phase 2: the document against the JSON Schema. ajv's raw errors are many and low-level; each is
 * turned into one diagnostic that names the path, says what the place accepts (`x-expect`) and what it
 * got, at the offending node's own range.
 */
export function validate(value: unknown, locations: LocationTable, onlyPaths?: (path: DocPath) => string | undefined): Diagnostic[] {
  if (validateSchema(value)) return [];
  const errors = validateSchema.errors ?? [];
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const e of mergeMissingKeys(pruneErrors(errors))) {
    const d = toDiagnostic(e, value, locations);
    if (!d) continue;
    if (onlyPaths) {
      const note = onlyPaths(instancePath(e));
      if (note === undefined) continue;
      d.message += ` (after ${note})`;
    }
    const key = `${d.path}\u0000${d.code}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(d);
  }
  return out;
}

/** Drops the wrapper errors (`if`, `anyOf`'s branches) that restate an error we report better. */
function pruneErrors(errors: AjvError[]): AjvError[] {
  const anyOfPaths = errors.filter((e) => e.keyword === 'anyOf').map((e) => e.schemaPath.slice(0, -'/anyOf'.length));
  const propNamePaths = errors.filter((e) => e.keyword === 'propertyNames').map((e) => e.schemaPath.slice(0, -'/propertyNames'.length));
  return errors.filter((e) => {
    if (e.keyword === 'if') return false;
    if (e.keyword !== 'anyOf' && anyOfPaths.some((p) => e.schemaPath.startsWith(`${p}/anyOf/`))) return false;
    if (e.keyword !== 'propertyNames' && propNamePaths.some((p) => e.schemaPath.startsWith(`${p}/propertyNames/`))) return false;
    return true;
  });
}

/** One diagnostic per object for all the required keys it lacks, rather than one for the first only. */
function mergeMissingKeys(errors: AjvError[]): AjvError[] {
  const byPath = new Map<string, AjvError>();
  const out: AjvError[] = [];
  for (const e of errors) {
    if (e.keyword !== 'required') {
      out.push(e);
      continue;
    }
    const first = byPath.get(e.instancePath);
    if (first) (first.params.missing as string[]).push(String(e.params.missingProperty));
    else {
      const merged = { ...e, params: { ...e.params, missing: [String(e.params.missingProperty)] } };
      byPath.set(e.instancePath, merged);
      out.push(merged);
    }
  }
  return out;
}

function instancePath(e: AjvError): (string | number)[] {
  if (e.instancePath === '') return [];
  return e.instancePath
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/** The schema object holding the failing keyword, found by walking the error's schemaPath. */
function parentSchema(e: AjvError): Schema {
  const parts = e.schemaPath.replace(/^#\//, '').split('/').slice(0, -1);
  let s: unknown = pipelineSchema;
  for (const p of parts) {
    s = (s as Record<string, unknown> | undefined)?.[p.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return (s ?? {}) as Schema;
}

function valueAt(root: unknown, path: (string | number)[]): unknown {
  let v: unknown = root;
  for (const p of path) v = (v as Record<string | number, unknown> | null | undefined)?.[p];
  return v;
}

export function describeValue(v: unknown): string {
  if (v === null || v === undefined) return 'an empty value';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `'${v.length > 60 ? `${v.slice(0, 57)}...` : v}'`;
  return String(v);
}

function toDiagnostic(e: AjvError, root: unknown, locations: LocationTable): Diagnostic | undefined {
  const path = instancePath(e);
  const value = valueAt(root, path);
  const schema = parentSchema(e);
  const expect = (schema['x-expect'] as string | undefined) ?? 'a different value';
  const at = (p: DocPath, prefer: 'key' | 'value' = 'value') => locations.locate(p, prefer);

  switch (e.keyword) {
    case 'type':
      return diag('DLC200', at(path), path, `expected ${expect}, got ${describeValue(value)}`);
    case 'pattern': {
      if (schema.pattern === WHOLE_INTERPOLATION) {
        const partial = typeof value === 'string' && value.includes('${');
        return diag('DLC200', at(path), path, `expected ${expect}, got ${describeValue(value)}`, partial ? { hint: 'an interpolation inside a longer string is text; a typed value must be exactly `${...}`' } : {});
      }
      return diag('DLC205', at(path), path, `expected ${expect}, got ${describeValue(value)}`);
    }
    case 'additionalProperties': {
      const key = String(e.params.additionalProperty);
      const props = Object.keys((schema.properties as Schema | undefined) ?? {}).filter((k) => k !== 'op' || schema === pipelineSchema);
      const full = [...path, key];
      return diag('DLC201', at(full, 'key'), full, `unknown key '${key}'${didYouMean(key, props)}`, props.length ? { hint: `allowed here: ${props.join(', ')}` } : {});
    }
    case 'required': {
      const keys = (e.params.missing as string[] | undefined) ?? [String(e.params.missingProperty)];
      const list = keys.map((k) => `'${k}'`).join(', ');
      return diag('DLC202', at(path, 'key'), path, `missing required key${keys.length === 1 ? '' : 's'} ${list}`);
    }
    case 'const':
    case 'enum': {
      if (path.length === 1 && path[0] === 'dlc') {
        return diag('DLC207', at(path), path, `this dlc reads spec format version 1, got ${describeValue(value)}`, { hint: 'write `dlc: 1`' });
      }
      const allowed = (schema.enum as unknown[] | undefined) ?? (schema.const !== undefined ? [schema.const] : []);
      const dym = typeof value === 'string' ? didYouMean(value, allowed.map(String)) : '';
      return diag('DLC203', at(path), path, `expected ${expect}, got ${describeValue(value)}${dym}`);
    }
    case 'anyOf': {
      const allowed = (schema['x-enum'] as string[] | undefined) ?? [];
      const dym = typeof value === 'string' ? didYouMean(value, allowed) : '';
      return diag('DLC203', at(path), path, `expected ${expect}, got ${describeValue(value)}${dym}`);
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return diag('DLC204', at(path), path, `expected ${expect}, got ${describeValue(value)}`);
    case 'minLength':
    case 'maxLength':
      return diag('DLC205', at(path), path, `expected ${expect}, got ${value === '' ? 'an empty string' : describeValue(value)}`);
    case 'minItems':
    case 'maxItems':
    case 'minProperties':
    case 'maxProperties': {
      const n = Array.isArray(value) ? value.length : value && typeof value === 'object' ? Object.keys(value).length : 0;
      const what = Array.isArray(value) ? `${n} item${n === 1 ? '' : 's'}` : `${n} key${n === 1 ? '' : 's'}`;
      return diag('DLC209', at(path), path, `expected ${expect}, got ${what}`);
    }
    case 'propertyNames': {
      const name = String(e.params.propertyName);
      const names = ((schema.propertyNames as Schema | undefined)?.enum as string[] | undefined) ?? [];
      const full = [...path, name];
      if ((schema.propertyNames as Schema | undefined)?.['x-kind'] === 'layer') {
        return diag('DLC208', at(full, 'key'), full, `unknown layer type '${name}'${didYouMean(name, names)}`, { hint: 'layer types are named as in tfjs layers, in snake_case: dense, conv2d, max_pooling2d, ...' });
      }
      return diag('DLC205', at(full, 'key'), full, `'${name}' is not a valid name here (lowercase letters, digits and _, starting with a letter)`);
    }
    case 'discriminator': {
      const tag = String(e.params.tag);
      const full = [...path, tag];
      const branches = ((schema.oneOf as Schema[] | undefined) ?? []).map((b) => String(((b.properties as Schema)[tag] as Schema).const));
      if (e.params.error === 'tag' && value && typeof value === 'object' && !(tag in value)) {
        return diag('DLC202', at(path, 'key'), path, `missing required key '${tag}' (one of ${branches.join(', ')})`);
      }
      const got = (value as Record<string, unknown> | undefined)?.[tag];
      const dym = typeof got === 'string' ? didYouMean(got, branches) : '';
      if (tag === 'op') {
        return diag('DLC206', at(full), full, `unknown op ${describeValue(got)}${dym}`, { hint: `ops: ${branches.join(', ')}` });
      }
      return diag('DLC203', at(full), full, `expected one of ${branches.join(', ')}, got ${describeValue(got)}${dym}`);
    }
    case 'oneOf':
      return diag('DLC200', at(path), path, `expected ${expect}, got ${describeValue(value)}`);
    default:
      return diag('DLC200', at(path), path, `${e.message ?? 'is not valid'} (expected ${expect})`);
  }
}

