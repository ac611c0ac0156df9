import { compile } from '../compiler/index.js';
import type { Diagnostic } from '../compiler/index.js';
import type { SourceFile } from '../compiler/source/source-file.js';
import type { CommandContext } from './commands.js';
import { allDiagnostics, parseFormat, renderDiagnostics, useColor } from './diagnostics-output.js';
import { createNodeHost } from './node-host.js';
import { expandSpecArgs } from './spec-files.js';
import { UsageError } from './usage-error.js';
import { dlcVersion } from './version.js';
import { availableParallelism } from 'node:os';

export default async function lint(ctx: CommandContext): Promise<number> {
  const format = parseFormat(ctx.flags.format);
  const maxWarningsRaw = ctx.flags['max-warnings'];
  const maxWarnings = maxWarningsRaw === undefined ? Infinity : Number(maxWarningsRaw);
  if (!Number.isInteger(maxWarnings) && maxWarnings !== Infinity) throw new UsageError(`--max-warnings takes a whole number, got '${String(maxWarningsRaw)}'`);
  const files = await expandSpecArgs(ctx.positionals, ctx.cwd);
  if (files.length === 0) throw new UsageError(`no spec files found in ${ctx.positionals.join(' ') || ctx.cwd}`, 'a spec is a YAML or JSON file with a top-level `dlc: 1`');
  const host = createNodeHost(ctx.env);
  const diags: Diagnostic[] = [];
  const sources = new Map<string, SourceFile>();
  for (const file of files) {
    const r = compile({ file, host, mode: 'lint', cores: availableParallelism() });
    diags.push(...allDiagnostics(r));
    for (const [k, v] of r.files) sources.set(k, v);
  }
  const shown = ctx.flags.quiet ? diags.filter((d) => d.severity === 'error') : diags;
  const text = renderDiagnostics(shown, sources, format, { cwd: ctx.cwd, color: useColor(ctx.stdout, ctx.env), version: dlcVersion() });
  if (text) ctx.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  const errors = diags.filter((d) => d.severity === 'error').length;
  const warnings = diags.filter((d) => d.severity === 'warning').length;
  if (format === 'pretty' && errors === 0 && warnings === 0) ctx.stdout.write(`${files.length} spec${files.length === 1 ? '' : 's'} checked, no problems\n`);
  if (errors > 0) return 1;
  if (warnings > maxWarnings) {
    ctx.stderr.write(`error: ${warnings} warnings, more than --max-warnings ${maxWarnings}\n`);
    return 1;
  }
  return 0;
}
