import { compareDiagnostics, type Diagnostic } from './diagnostics/types.js';
import type { CompilerHost } from './host.js';
import { parse } from './phases/1-parse/index.js';
import { expandIncludes } from './phases/1-parse/includes.js';
import { validate } from './phases/2-validate/index.js';
import { resolve } from './phases/3-resolve/index.js';
import { analyze, type CompileMode } from './phases/4-analyze/index.js';
import { type ExecutionPlan, plan } from './phases/5-plan/index.js';
import { SourceFile } from './source/source-file.js';

export type { Diagnostic } from './diagnostics/types.js';
export type { ExecutionPlan } from './phases/5-plan/index.js';
export type { CompilerHost } from './host.js';
export type { CompileMode } from './phases/4-analyze/index.js';

export interface CompileOptions {
  /** Absolute path of the spec file. */
  file: string;
  host: CompilerHost;
  /** `lint` stops after analysis; `plan` and `run` go on to the plan. */
  mode: CompileMode;
  cores: number;
  workers?: number;
}

export type CompileResult =
  /** `plan` is absent after `lint`, which stops before planning. */
  | { ok: true; plan?: ExecutionPlan; warnings: Diagnostic[]; files: Map<string, SourceFile> }
  | { ok: false; plan?: undefined; errors: Diagnostic[]; warnings: Diagnostic[]; files: Map<string, SourceFile> };

/** Chains the phases. Pure: every effect goes through the host. Throws only on a bug. */
export function compile(opts: CompileOptions): CompileResult {
  const files = new Map<string, SourceFile>();
  const trackingHost: CompilerHost = {
    ...opts.host,
    readFile(p) {
      const t = opts.host.readFile(p);
      if (t !== undefined) files.set(p, new SourceFile(p, t));
      return t;
    },
  };
  const all: Diagnostic[] = [];
  const finish = (p?: ExecutionPlan): CompileResult => {
    all.sort(compareDiagnostics);
    const errors = all.filter((d) => d.severity === 'error');
    const warnings = all.filter((d) => d.severity !== 'error');
    if (errors.length > 0) return { ok: false, errors, warnings, files };
    return p ? { ok: true, plan: p, warnings, files } : { ok: true, warnings, files };
  };

  const text = trackingHost.readFile(opts.file);
  if (text === undefined) {
    const empty = new SourceFile(opts.file, '');
    const why = opts.host.fileExists(opts.file) ? 'it is a directory or not readable' : 'no such file';
    all.push({ code: 'DLC100', severity: 'error', message: `cannot read ${opts.file}: ${why}`, file: opts.file, range: empty.rangeAt(0, 0), path: '' });
    return finish();
  }
  const root = parse(files.get(opts.file)!);
  const doc = expandIncludes(root, trackingHost);
  all.push(...doc.diagnostics);
  if (doc.value === undefined || all.some((d) => d.severity === 'error')) return finish();

  const schemaErrors = validate(doc.value, doc.locations);
  all.push(...schemaErrors);
  if (schemaErrors.length > 0) return finish();

  const resolved = resolve(doc.value as Record<string, unknown>, doc.locations, trackingHost);
  all.push(...resolved.diagnostics);
  if (resolved.diagnostics.some((d) => d.severity === 'error')) return finish();

  const analyzed = analyze(resolved.spec, doc.locations, resolved.references, trackingHost, opts.mode);
  if (opts.mode === 'lint' || analyzed.diagnostics.some((d) => d.severity === 'error')) {
    all.push(...analyzed.diagnostics);
    return finish();
  }
  const planned = plan(analyzed.analysis, { specFile: opts.file, cores: opts.cores, ...(opts.workers !== undefined ? { workers: opts.workers } : {}) });
  all.push(...analyzed.diagnostics, ...planned.diagnostics);
  return finish(planned.plan);
}
