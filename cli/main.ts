#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { didYouMean } from '../compiler/diagnostics/did-you-mean.js';
import { type CommandContext, COMMANDS } from './commands.js';
import { commandHelp, mainHelp } from './help.js';
import { UsageError } from './usage-error.js';
import { dlcVersion as version } from './version.js';


async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h') {
    process.stdout.write(mainHelp(version()));
    return first === undefined ? 2 : 0;
  }
  if (first === '--version' || first === '-v' || first === 'version') {
    process.stdout.write(`${version()}\n`);
    return 0;
  }
  if (first === 'help') {
    const name = rest[0];
    if (name === undefined) {
      process.stdout.write(mainHelp(version()));
      return 0;
    }
    const c = COMMANDS.find((x) => x.name === name);
    if (!c) throw new UsageError(`unknown command '${name}'${didYouMean(name, COMMANDS.map((x) => x.name))}`);
    process.stdout.write(commandHelp(c));
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === first);
  if (!command) {
    if (first.startsWith('-')) throw new UsageError(`unknown option '${first}'`, 'run `dlc --help` for usage');
    throw new UsageError(`unknown command '${first}'${didYouMean(first, COMMANDS.map((c) => c.name))}`, 'run `dlc --help` for the commands');
  }
  const options: Record<string, { type: 'boolean' | 'string'; short?: string; multiple?: boolean }> = { help: { type: 'boolean', short: 'h' } };
  for (const f of command.flags) options[f.name] = { type: f.type, ...(f.short ? { short: f.short } : {}), ...(f.multiple ? { multiple: true } : {}) };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: rest, options, allowPositionals: true, strict: true });
  } catch (e) {
    const msg = (e as Error).message;
    const m = /Unknown option '(-{1,2})([^']+)'/.exec(msg);
    if (m) throw new UsageError(`dlc ${command.name}: unknown option '${m[1]}${m[2]}'${didYouMean(m[2]!, command.flags.map((f) => f.name))}`, `run \`dlc help ${command.name}\``);
    throw new UsageError(`dlc ${command.name}: ${msg.split('\n')[0]}`, `run \`dlc help ${command.name}\``);
  }
  if (parsed.values.help) {
    process.stdout.write(commandHelp(command));
    return 0;
  }
  const [min, max] = command.positionals;
  if (parsed.positionals.length < min) throw new UsageError(`dlc ${command.name}: missing argument`, `usage: ${command.usage}`);
  if (parsed.positionals.length > max) throw new UsageError(`dlc ${command.name}: unexpected argument '${parsed.positionals[max]}'`, `usage: ${command.usage}`);
  const ctx: CommandContext = {
    positionals: parsed.positionals,
    flags: parsed.values as CommandContext['flags'],
    cwd: process.cwd(),
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
  };
  const mod = await command.load();
  return mod.default(ctx);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    if (e instanceof UsageError) {
      process.stderr.write(`error: ${e.message}\n${e.hint ? `  ${e.hint}\n` : ''}`);
      process.exitCode = 2;
      return;
    }
    const err = e as Error;
    process.stderr.write(`internal error: ${err?.message ?? String(e)}\nThis is a bug in dlc; please report it with the spec that caused it.\n`);
    if (process.env.DLC_DEBUG) process.stderr.write(`${err?.stack ?? ''}\n`);
    process.exitCode = 2;
  },
);
