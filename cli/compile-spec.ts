import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { type CompileMode, type CompileResult, compile } from '../compiler/index.js';
import type { CommandContext } from './commands.js';
import { allDiagnostics, parseFormat, renderDiagnostics, useColor } from './diagnostics-output.js';
import { createNodeHost } from './node-host.js';
import { UsageError } from './usage-error.js';
import { dlcVersion } from './version.js';

export function parseWorkers(v: unknown): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--workers takes a whole number ≥ 1, got '${String(v)}'`);
  return n;
}

/** Compiles the command's spec and prints its diagnostics to stderr; shared by plan and run. */
export function compileSpec(ctx: CommandContext, mode: CompileMode): CompileResult {
  const file = resolve(ctx.cwd, ctx.positionals[0]!);
  const workers = parseWorkers(ctx.flags.workers);
  const result = compile({ file, host: createNodeHost(ctx.env), mode, cores: availableParallelism(), ...(workers !== undefined ? { workers } : {}) });
  const diags = allDiagnostics(result);
  if (diags.length > 0) {
    const text = renderDiagnostics(diags, result.files, parseFormat(ctx.flags.format), { cwd: ctx.cwd, color: useColor(ctx.stderr, ctx.env), version: dlcVersion() });
    ctx.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
  }
  return result;
}
