import { arch, availableParallelism, cpus, platform, totalmem } from 'node:os';
import { CONSTANT_NAMES, DEFAULT_CONSTANTS, type MachineConstants } from '../compiler/cost/constants.js';
import { formatBytes, formatSeconds } from '../compiler/cost/format.js';
import { CALIBRATION_FORMAT, type CalibrationFile, calibrationPath, readCalibration, writeCalibration } from '../runtime/calibrate/cache.js';
import type { CommandContext } from './commands.js';
import { UsageError } from './usage-error.js';

const show = (name: string, v: number): string =>
  name === 'train_flops_per_s'
    ? `${(v / 1e9).toPrecision(3)} Gflop/s`
    : name.endsWith('_per_s')
      ? `${formatBytes(v)}/s`
      : name.endsWith('_s')
        ? formatSeconds(v)
        : `${Math.round(v)} B`;

function table(file: CalibrationFile | undefined): string {
  const lines: string[] = [];
  const width = Math.max(...CONSTANT_NAMES.map((n) => n.length));
  for (const name of CONSTANT_NAMES) {
    const measured = file?.constants[name];
    const ok = typeof measured === 'number' && Number.isFinite(measured) && measured > 0;
    const value = ok ? show(name, measured) : `${show(name, DEFAULT_CONSTANTS[name])} (default)`;
    lines.push(`  ${name.padEnd(width)}  ${value.padEnd(22)}${file?.details[name] ? `  ${file.details[name]}` : ''}`);
  }
  return lines.join('\n');
}

/**
 * `dlc calibrate`: measures this machine in a few seconds and caches the constants the planner's cost
 * models use; `--print` shows what is cached (or the defaults) without measuring.
 */
export default async function calibrateCommand(ctx: CommandContext): Promise<number> {
  const path = calibrationPath(ctx.env);
  if (ctx.flags.print) {
    const cached = readCalibration(path);
    if (ctx.flags.json) {
      ctx.stdout.write(`${JSON.stringify(cached ?? { constants: DEFAULT_CONSTANTS, defaults: true }, null, 2)}\n`);
      return 0;
    }
    ctx.stdout.write(cached ? `calibration of ${cached.measured_at} (${path}):\n` : `no calibration cached${path ? ` at ${path}` : ''}: the planner uses the defaults\n`);
    ctx.stdout.write(`${table(cached)}\n`);
    return 0;
  }
  if (!path) throw new UsageError('dlc calibrate: neither XDG_CACHE_HOME nor HOME is set, so there is nowhere to cache the measurements');
  const { calibrate } = await import('../runtime/calibrate/measure.js');
  ctx.stderr.write('measuring read, sort, hash and send rates, training throughput and synchronisation (a few seconds)...\n');
  const result = await calibrate({ onStep: (name) => ctx.stderr.write(`  ${name}\n`) });
  const constants = { ...DEFAULT_CONSTANTS, ...result.constants } as MachineConstants;
  const file: CalibrationFile = {
    dlc_calibration: CALIBRATION_FORMAT,
    measured_at: new Date().toISOString(),
    machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: availableParallelism(), memory_bytes: totalmem(), platform: `${platform()}-${arch()}`, node: process.version },
    constants,
    details: result.details,
  };
  // Constants that could not be measured stay out of the file, so the planner says they are defaults.
  for (const name of CONSTANT_NAMES) if (result.constants[name] === undefined) delete (file.constants as Partial<MachineConstants>)[name];
  writeCalibration(path, file);
  if (ctx.flags.json) ctx.stdout.write(`${JSON.stringify(file, null, 2)}\n`);
  else ctx.stdout.write(`cached in ${path}:\n${table(file)}\n`);
  return 0;
}
