/**
 * `dlc init DIR --template NAME` creates a project from a template; `dlc init --list` lists them.
 * Files are never overwritten: into a directory that is not empty only with --force, and even then a file
 * whose content differs from the template's stops the init before anything is written (identical files
 * are left alone). Exit 0 created, 1 refused (the files in the way are listed), 2 usage.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, relative, resolve } from 'node:path';
import type { CommandContext } from './commands.js';
import { dlcPackage, projectFiles, projectName, SPEC_FILE } from './init/project-files.js';
import { findTemplate, listTemplates } from './init/templates.js';
import { planWrites, writeFiles } from './init/write-project.js';
import { UsageError } from './usage-error.js';

export default async function init(ctx: CommandContext): Promise<number> {
  const templates = listTemplates();
  if (ctx.flags.list) {
    if (ctx.positionals.length > 0) throw new UsageError('dlc init --list takes no directory');
    const width = Math.max(...templates.map((t) => t.name.length));
    for (const t of templates) ctx.stdout.write(`${t.name.padEnd(width)}  ${t.manifest.description}\n`);
    return 0;
  }
  const [dirArg] = ctx.positionals;
  if (dirArg === undefined) throw new UsageError('dlc init: missing directory', 'usage: dlc init DIR --template NAME (dlc init --list for the templates)');
  const templateName = ctx.flags.template;
  if (typeof templateName !== 'string') throw new UsageError('dlc init: which template? --template NAME', `templates: ${templates.map((t) => t.name).join(', ')}`);
  const template = findTemplate(templateName);

  const dir = resolve(ctx.cwd, dirArg);
  if (existsSync(dir) && !statSync(dir).isDirectory()) {
    ctx.stderr.write(`dlc init: ${dirArg} exists and is not a directory\n`);
    return 1;
  }
  const name = projectName(basename(dir));
  const files = await projectFiles(template, name, dlcPackage());
  const plan = planWrites(dir, files);
  const shown = relative(ctx.cwd, dir) || '.';
  const list = (paths: string[]) => paths.map((p) => `  ${p}\n`).join('');

  if (plan.nonEmpty && !ctx.flags.force) {
    const clash = plan.conflicts.length ? `; these files would clash with the template's:\n${list(plan.conflicts)}` : '\n';
    ctx.stderr.write(`dlc init: ${shown} is not empty${clash}nothing was written; use --force to add the template's files to it (existing files are never overwritten)\n`);
    return 1;
  }
  if (plan.conflicts.length > 0) {
    ctx.stderr.write(`dlc init: ${plan.conflicts.length === 1 ? 'a file differs' : `${plan.conflicts.length} files differ`} from the template's and would be overwritten:\n${list(plan.conflicts)}nothing was written; move ${plan.conflicts.length === 1 ? 'it' : 'them'} aside or choose another directory\n`);
    return 1;
  }
  try {
    writeFiles(dir, plan.create);
  } catch (error) {
    ctx.stderr.write(`dlc init: cannot write ${shown}: ${(error as Error).message}\n`);
    return 1;
  }

  const out: string[] = [`created ${shown} from the ${template.name} template:`, ...plan.create.map((f) => `  ${f.path}`)];
  if (plan.same.length) out.push(`kept ${plan.same.length} file${plan.same.length === 1 ? '' : 's'} already identical to the template's`);
  out.push('', 'next:');
  if (shown !== '.') out.push(`  cd ${shown}`);
  out.push('  npm install', '  npx dlc lint', `  npx dlc run ${SPEC_FILE}`);
  ctx.stdout.write(`${out.join('\n')}\n`);
  return 0;
}
