import { diag } from '../../diagnostics/codes.js';
import { didYouMean } from '../../diagnostics/did-you-mean.js';
import type { Diagnostic } from '../../diagnostics/types.js';
import type { CompilerHost } from '../../host.js';
import { type DocPath, pathKey } from '../../source/doc-path.js';
import type { LocationTable } from '../../source/locations.js';

/** One `${...}` found in a string: where it starts in the string, its namespace and dotted name. */
export interface Interpolation {
  start: number;
  end: number;
  raw: string;
  ns: string;
  name: string[];
}

export type ScanResult = { parts: (string | Interpolation)[]; error?: { at: number; message: string } };

/** Splits a string into literal text and interpolations. `$${` escapes a literal `${`. */
export function scanInterpolations(s: string): ScanResult {
  const parts: (string | Interpolation)[] = [];
  let text = '';
  let i = 0;
  while (i < s.length) {
    if (s.startsWith('$${', i)) {
      text += '${';
      i += 3;
      continue;
    }
    if (s.startsWith('${', i)) {
      const close = s.indexOf('}', i + 2);
      if (close < 0) return { parts, error: { at: i, message: `unterminated '\${' (no closing '}')` } };
      const inner = s.slice(i + 2, close).trim();
      const m = /^([A-Za-z_][\w]*)\.([A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)*)$/.exec(inner);
      if (!m) return { parts, error: { at: i, message: `'\${${inner}}' is not of the form \${vars.name}, \${hp.name} or \${env.NAME}` } };
      if (text) parts.push(text);
      text = '';
      parts.push({ start: i, end: close + 1, raw: s.slice(i, close + 1), ns: m[1]!, name: m[2]!.split('.') });
      i = close + 1;
      continue;
    }
    text += s[i];
    i++;
  }
  if (text) parts.push(text);
  return { parts };
}

export interface InterpolationResult {
  value: unknown;
  /** Paths whose value changed by substitution, with a note for re-validation messages. */
  substituted: Map<string, string>;
}

const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Substitutes `${vars.*}` and `${env.*}` everywhere outside `vars`, keeping `${hp.*}` for the runtime.
 * A scalar that is exactly one interpolation takes the value's type; inside longer text it is text.
 */
export function interpolateDocument(doc: Record<string, unknown>, locations: LocationTable, host: CompilerHost, diagnostics: Diagnostic[]): InterpolationResult {
  const rawVars = isMap(doc.vars) ? doc.vars : {};
  const envAllow = new Set(Array.isArray(rawVars.env_allow) ? rawVars.env_allow.filter((x): x is string => typeof x === 'string') : []);
  const substituted = new Map<string, string>();
  const varCache = new Map<string, unknown>();
  const resolving: string[] = [];
  const reportedCycles = new Set<string>();

  const lookupVar = (name: string[], path: DocPath, raw: string): { ok: boolean; value?: unknown } => {
    const top = name[0]!;
    if (top === 'env_allow' || !Object.prototype.hasOwnProperty.call(rawVars, top)) {
      const names = Object.keys(rawVars).filter((k) => k !== 'env_allow');
      diagnostics.push(diag('DLC300', locations.locateInside(path, raw), path, `'${raw}': no variable '${top}' under vars${didYouMean(top, names)}`));
      return { ok: false };
    }
    let v: unknown;
    if (varCache.has(top)) v = varCache.get(top);
    else {
      if (resolving.includes(top)) {
        const cycle = [...resolving.slice(resolving.indexOf(top)), top];
        const key = [...cycle].sort().join(',');
        if (!reportedCycles.has(key)) {
          reportedCycles.add(key);
          diagnostics.push(diag('DLC307', locations.locate(['vars', top]), ['vars', top], `variables refer to each other in a cycle: ${cycle.join(' → ')}`));
        }
        return { ok: false };
      }
      resolving.push(top);
      v = walk(rawVars[top], ['vars', top]);
      resolving.pop();
      varCache.set(top, v);
    }
    for (const part of name.slice(1)) {
      if (!isMap(v) || !Object.prototype.hasOwnProperty.call(v, part)) {
        diagnostics.push(diag('DLC300', locations.locateInside(path, raw), path, `'${raw}': vars.${top} has no key '${part}'`));
        return { ok: false };
      }
      v = v[part];
    }
    return { ok: true, value: v };
  };

  const lookup = (it: Interpolation, path: DocPath): { ok: boolean; value?: unknown; keep?: boolean } => {
    if (it.ns === 'vars') return lookupVar(it.name, path, it.raw);
    if (it.ns === 'env') {
      const name = it.name.join('.');
      if (!envAllow.has(name)) {
        diagnostics.push(diag('DLC301', locations.locateInside(path, it.raw), path, `'${it.raw}': environment variable '${name}' is not listed in vars.env_allow`, { hint: 'list it under vars.env_allow, so a spec never reads a secret by accident' }));
        return { ok: false };
      }
      const v = host.env(name);
      if (v === undefined) {
        diagnostics.push(diag('DLC302', locations.locateInside(path, it.raw), path, `'${it.raw}': environment variable '${name}' is not set`));
        return { ok: false };
      }
      return { ok: true, value: v };
    }
    // `${hp.*}` is bound per trial at run time; the analyzer checks each one against the search space.
    if (it.ns === 'hp') return { ok: true, keep: true };
    diagnostics.push(diag('DLC303', locations.locateInside(path, it.raw), path, `'${it.raw}': unknown namespace '${it.ns}'${didYouMean(it.ns, ['vars', 'hp', 'env'])}; use vars., hp. or env.`));
    return { ok: false };
  };

  const walkString = (s: string, path: DocPath): unknown => {
    if (!s.includes('${')) return s;
    const scan = scanInterpolations(s);
    if (scan.error) {
      const loc = locations.locateInside(path, s.slice(scan.error.at, scan.error.at + 2) || '${');
      diagnostics.push(diag('DLC303', loc, path, scan.error.message));
      return s;
    }
    const only = scan.parts.length === 1 && typeof scan.parts[0] !== 'string' ? scan.parts[0] : undefined;
    if (only) {
      const r = lookup(only, path);
      if (r.keep) return s;
      if (!r.ok) return s;
      substituted.set(pathKey(path), `substituting ${only.raw} = ${JSON.stringify(r.value)}`);
      return r.value;
    }
    let out = '';
    for (const part of scan.parts) {
      if (typeof part === 'string') {
        out += part.replace(/\$\{/g, '$${');
        continue;
      }
      const r = lookup(part, path);
      if (r.keep || !r.ok) {
        out += part.raw;
        continue;
      }
      if (r.value !== null && typeof r.value === 'object') {
        diagnostics.push(diag('DLC303', locations.locateInside(path, part.raw), path, `'${part.raw}' is a ${Array.isArray(r.value) ? 'list' : 'mapping'} and cannot be inserted into text`));
        out += part.raw;
        continue;
      }
      out += String(r.value);
    }
    // Unescape `$${` now that every interpolation has been handled.
    const final = out.replace(/\$\$\{/g, '${');
    if (final !== s) substituted.set(pathKey(path), `interpolating ${JSON.stringify(s)}`);
    return final;
  };

  function walk(v: unknown, path: DocPath): unknown {
    if (typeof v === 'string') return walkString(v, path);
    if (Array.isArray(v)) return v.map((x, i) => walk(x, [...path, i]));
    if (isMap(v)) {
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(v)) {
        Object.defineProperty(out, k, { value: walk(v[k], [...path, k]), enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    return v;
  }

  const out: Record<string, unknown> = {};
  for (const key of Object.keys(doc)) {
    let v: unknown;
    if (key === 'vars') {
      // Resolve every variable once so cycles and bad references inside vars are reported even if unused.
      const resolvedVars: Record<string, unknown> = {};
      for (const name of Object.keys(rawVars)) {
        if (name === 'env_allow') {
          resolvedVars.env_allow = rawVars.env_allow;
          continue;
        }
        const r = lookupVar([name], ['vars', name], `\${vars.${name}}`);
        resolvedVars[name] = r.ok ? r.value : rawVars[name];
      }
      v = resolvedVars;
    } else {
      v = walk(doc[key], [key]);
    }
    Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
  }
  return { value: out, substituted };
}

