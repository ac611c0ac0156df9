/**
 * Where `dlc calibrate` keeps its measurements, and reading them back for the planner: one JSON file in
 * the user's cache directory ($XDG_CACHE_HOME/dlc, else ~/.cache/dlc). The environment is passed in so
 * tests (and the golden plans) decide whether a cache exists.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type MachineConstants, type MachineProfile, profileFromMeasurements } from '../../compiler/cost/constants.js';

export const CALIBRATION_FORMAT = 1;

export interface CalibrationFile {
  dlc_calibration: typeof CALIBRATION_FORMAT;
  /** ISO 8601. */
  measured_at: string;
  machine: { cpu: string; cores: number; memory_bytes: number; platform: string; node: string };
  constants: MachineConstants;
  /** How each constant was measured, for `dlc calibrate --print`. */
  details: Record<string, string>;
}

/** The cache file for this environment, or undefined when neither XDG_CACHE_HOME nor HOME is set. */
export function calibrationPath(env: Record<string, string | undefined>): string | undefined {
  const base = env.XDG_CACHE_HOME ? env.XDG_CACHE_HOME : env.HOME ? join(env.HOME, '.cache') : undefined;
  return base ? join(base, 'dlc', 'calibration.json') : undefined;
}

/** The cached calibration, or undefined when there is none or it is not one this dlc wrote. */
export function readCalibration(path: string | undefined): CalibrationFile | undefined {
  if (!path) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
  if (!parsed || typeof parsed !== 'object') return undefined;
  const f = parsed as Partial<CalibrationFile>;
  if (f.dlc_calibration !== CALIBRATION_FORMAT || typeof f.constants !== 'object' || f.constants === null) return undefined;
  return f as CalibrationFile;
}

/** Writes atomically (a temporary file renamed over the old one), so a reader never sees half a file. */
export function writeCalibration(path: string, file: CalibrationFile): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(file, null, 2)}\n`);
  renameSync(tmp, path);
}

/** The planner's view: calibrated constants where the cache has them, defaults elsewhere. */
export function machineProfile(env: Record<string, string | undefined>, memoryBytes?: number): MachineProfile {
  const cached = readCalibration(calibrationPath(env));
  const profile = cached ? profileFromMeasurements(cached.constants as unknown as Record<string, unknown>, cached.measured_at) : profileFromMeasurements({});
  if (memoryBytes !== undefined) profile.memory_bytes = memoryBytes;
  return profile;
}
