/**
 * The machine constants cost models turn bytes and operations into seconds with. They come from
 * `dlc calibrate` (measured on the machine, cached) through the compiler host, or from the defaults below;
 * a decision records which, so no machine's speed hides inside an estimate.
 */
export interface MachineConstants {
  /** Bytes per second of table data read and decoded by one worker. */
  read_bytes_per_s: number;
  /** Bytes per second of table rows sorted by a key by one worker. */
  sort_bytes_per_s: number;
  /** Bytes per second of table rows inserted into (or probed against) a hash table by one worker. */
  hash_bytes_per_s: number;
  /** Bytes per second one worker sends to another. */
  send_bytes_per_s: number;
  /** Memory a hash table's index adds per row, on top of the rows' columnar bytes. */
  hash_index_bytes_per_row: number;
  /** Floating-point operations per second one worker's training backend sustains. */
  train_flops_per_s: number;
  /**
   * Seconds one synchronous step of a group of workers costs beyond its compute and its bytes: the round
   * trip of the exchange and the wait for the slowest member. Paid once per mini-batch by synchronous data
   * parallelism and parameter servers, once per averaging round, once per pipeline flush.
   */
  sync_step_s: number;
}

export type ConstantName = keyof MachineConstants;
export const CONSTANT_NAMES: readonly ConstantName[] = [
  'read_bytes_per_s',
  'sort_bytes_per_s',
  'hash_bytes_per_s',
  'send_bytes_per_s',
  'hash_index_bytes_per_row',
  'train_flops_per_s',
  'sync_step_s',
];

/**
 * Without a calibration every pass over the data costs the same, which is the model of the published
 * broadcast-join analysis the join formulas come from (its crossovers then hold exactly); calibration
 * replaces these with this machine's own rates. The index size is what a JavaScript Map keeps alive per
 * row (measured at 58–63 bytes on Node 20);
 * the training rate is of the order of one core of the WebAssembly backend (5–10 Gflop/s measured on dense
 * and convolutional models). The synchronisation cost is what `dlc calibrate` measured on a 2-core machine
 * shared with other work (4–5 ms; bench/results/parallel.md profiled 6–8 ms of waiting per all-reduce step
 * there): a busy machine's figure, so that without a calibration the planner does not promise a speed-up
 * from splitting small steps that such a machine does not deliver. An idle machine measures far less.
 */
export const DEFAULT_CONSTANTS: Readonly<MachineConstants> = {
  read_bytes_per_s: 200e6,
  sort_bytes_per_s: 200e6,
  hash_bytes_per_s: 200e6,
  send_bytes_per_s: 200e6,
  hash_index_bytes_per_row: 60,
  train_flops_per_s: 5e9,
  sync_step_s: 5e-3,
};

/** What the host knows about the machine the plan is for. */
export interface MachineProfile {
  constants: MachineConstants;
  /** Per constant: measured by `dlc calibrate`, or the default above. */
  from: Record<ConstantName, 'calibration' | 'default'>;
  /** When the calibration ran (ISO 8601), if one did. */
  calibrated_at?: string;
  /** Physical memory of the machine, when the host knows it. */
  memory_bytes?: number;
  /**
   * The most one worker's training backend can hold, when it caps it below the worker's memory (the wasm
   * backend: wasm32 linear memory, 4 GiB), and why.
   */
  device_limit?: { bytes: number; note: string };
}

/** The defaults, for hosts that know nothing of the machine (pure tests). */
export function defaultMachineProfile(): MachineProfile {
  const from = Object.fromEntries(CONSTANT_NAMES.map((n) => [n, 'default'])) as MachineProfile['from'];
  return { constants: { ...DEFAULT_CONSTANTS }, from };
}

/**
 * A profile from cached measurements: each measured constant that is a positive finite number wins, the rest
 * stay defaults. Anything else in the cache (an older format, a hand edit) is ignored rather than trusted.
 */
export function profileFromMeasurements(measured: Partial<Record<string, unknown>>, calibratedAt?: string): MachineProfile {
  const profile = defaultMachineProfile();
  for (const name of CONSTANT_NAMES) {
    const v = measured[name];
    if (typeof v === 'number' && Number.isFinite(v) && v > 0) {
      profile.constants[name] = v;
      profile.from[name] = 'calibration';
    }
  }
  if (calibratedAt !== undefined) profile.calibrated_at = calibratedAt;
  return profile;
}
