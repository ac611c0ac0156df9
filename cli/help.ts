import { type CommandSpec, COMMANDS, type FlagSpec, GLOBAL_FLAGS } from './commands.js';

const flagLine = (f: FlagSpec): string => {
  const names = `${f.short ? `-${f.short}, ` : '    '}--${f.name}${f.value ? ` ${f.value}` : ''}`;
  return `  ${names.padEnd(34)} ${f.description}`;
};

export function mainHelp(version: string): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    `dlc ${version}: declarative pipelines for deep-learning model selection`,
    '',
    'Usage: dlc <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    `  ${'help'.padEnd(width)}  show help for a command`,
    '',
    'Options:',
    ...GLOBAL_FLAGS.map(flagLine),
    '',
    'Run `dlc help <command>` or `dlc <command> --help` for a command\'s options.',
    '',
  ].join('\n');
}

export function commandHelp(c: CommandSpec): string {
  return [`dlc ${c.name}: ${c.summary}`, '', `Usage: ${c.usage}`, '', 'Options:', ...[...c.flags, GLOBAL_FLAGS[0]!].map(flagLine), ...(c.details ? ['', c.details] : []), ''].join('\n');
}
