/**
 * The command table: names, summaries and flags as data. `dlc --help` reads only this file; each
 * command's code is imported when that command runs, so help and lint never load heavy modules.
 */
export interface FlagSpec {
  name: string;
  short?: string;
  type: 'boolean' | 'string';
  value?: string;
  description: string;
  multiple?: boolean;
}

export interface CommandSpec {
  name: string;
  summary: string;
  usage: string;
  /** Positional arguments: how many at least and at most (Infinity for any). */
  positionals: [number, number];
  flags: FlagSpec[];
  load: () => Promise<{ default: (ctx: CommandContext) => Promise<number> }>;
  details?: string;
}

export interface CommandContext {
  positionals: string[];
  flags: Record<string, string | boolean | string[] | undefined>;
  cwd: string;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
}

const format: FlagSpec = { name: 'format', type: 'string', value: 'pretty|json|github|sarif', description: 'how to print diagnostics (default pretty)' };
const workers: FlagSpec = { name: 'workers', type: 'string', value: 'N', description: 'number of workers, overriding resources.workers' };

export const COMMANDS: CommandSpec[] = [
  {
    name: 'run',
    summary: 'compile a spec and run it',
    usage: 'dlc run SPEC [--workers N] [--plain | --json] [--run-dir DIR] [--replay RUN_DIR]\n       dlc run --resume RUN_DIR',
    positionals: [0, 1],
    flags: [
      workers,
      { name: 'json', type: 'boolean', description: 'print the event stream as NDJSON on stdout (docs/events.md)' },
      { name: 'plain', type: 'boolean', description: 'plain progress lines instead of the terminal UI (the default without a terminal, in CI and with TERM=dumb)' },
      { name: 'verbose', type: 'boolean', description: 'also print every unit of work as it starts' },
      { name: 'run-dir', type: 'string', value: 'DIR', description: 'where to put the run (default runs/<time>-<name> next to the spec)' },
      { name: 'resume', type: 'string', value: 'RUN_DIR', description: 'continue a stopped or killed run from its directory' },
      { name: 'replay', type: 'string', value: 'RUN_DIR', description: "repeat another run's order of units (model hopping visits)" },
      { name: 'backend', type: 'string', value: 'wasm|cpu|tfjs-node|tfjs-node-gpu', description: 'TensorFlow.js backend to prefer in the workers (default: the best installed)' },
      { name: 'no-cache', type: 'boolean', description: 'recompute every step instead of reusing unchanged outputs from .dlc-cache/' },
      { name: 'cluster', type: 'string', value: 'URL', description: 'run on dlc workers through Redis (redis://host:port/db; password from DLC_REDIS_PASSWORD)' },
      { name: 'store', type: 'string', value: 'PATH', description: 'the shared store of a cluster run (overrides resources.cluster.store)' },
      format,
    ],
    load: () => import('./run.js'),
    details: 'On a terminal the run is shown in a live screen (q or Ctrl-C stops gracefully, ? shows help); elsewhere as plain lines.\nExit status: 0 finished, 1 failed (spec, data or training errors), 2 usage error, 130 stopped by Ctrl-C (resumable).',
  },
  {
    name: 'runs',
    summary: 'list past runs with their status and best objective',
    usage: 'dlc runs [DIR] [--json]',
    positionals: [0, 1],
    flags: [{ name: 'json', type: 'boolean', description: 'print the runs as JSON' }],
    load: () => import('./runs.js'),
    details: 'Runs are looked for in DIR (default: the current directory), DIR/runs and DIR/*/runs (dlc run puts runs in runs/ next to the spec). Oldest first. Exit 1 when there is none.',
  },
  {
    name: 'show',
    summary: 'summarise one run: outcome, steps, trials, best model, metrics',
    usage: 'dlc show [RUN] [--json]',
    positionals: [0, 1],
    flags: [{ name: 'json', type: 'boolean', description: 'print the summary as JSON' }],
    load: () => import('./show.js'),
    details: 'RUN is a run directory, or a run id (or a unique part of one) among `dlc runs`; without it, the newest run.',
  },
  {
    name: 'report',
    summary: 'write a self-contained HTML report of a run',
    usage: 'dlc report [RUN] [-o FILE]',
    positionals: [0, 1],
    flags: [{ name: 'output', short: 'o', type: 'string', value: 'FILE', description: 'where to write the page (default RUN/report.html)' }],
    load: () => import('./report.js'),
    details: 'Learning curves, the units per worker (model hopping), the objective against each hyperparameter, trials, the plan with its decisions and estimates, final metrics and where the best model is. The page loads nothing from the network.',
  },
  {
    name: 'lint',
    summary: 'check specs without running anything',
    usage: 'dlc lint [PATH|DIR|GLOB ...] [--format pretty|json|github|sarif] [--max-warnings N]',
    positionals: [0, Infinity],
    flags: [format, { name: 'max-warnings', type: 'string', value: 'N', description: 'fail (exit 1) when there are more than N warnings' }, { name: 'quiet', short: 'q', type: 'boolean', description: 'print errors only' }],
    load: () => import('./lint.js'),
    details: 'A directory lints every spec in it (YAML files with a top-level `dlc:` key, recursively). With no path, lints the current directory.\nExit status: 0 clean, 1 errors (or too many warnings), 2 usage or internal error.',
  },
  {
    name: 'init',
    summary: 'create a project from a template',
    usage: 'dlc init DIR --template NAME [--force]\n       dlc init --list',
    positionals: [0, 1],
    flags: [
      { name: 'template', short: 't', type: 'string', value: 'NAME', description: 'the template (dlc init --list shows them)' },
      { name: 'list', type: 'boolean', description: 'list the templates' },
      { name: 'force', type: 'boolean', description: 'write into a directory that is not empty (never over a file that differs)' },
    ],
    load: () => import('./init.js'),
    details: 'A project holds its spec (pipeline.yaml), a README, a package.json that depends on dlc, a CI workflow running `dlc lint --format github` and the data it needs to run at once.\nExisting files are never overwritten: with --force, files identical to the template\'s are kept and any that differs stops the init before anything is written.\nExit status: 0 created, 1 refused (the clashing files are listed), 2 usage error.',
  },
  {
    name: 'plan',
    summary: 'show the execution plan of a spec',
    usage: 'dlc plan SPEC [--json | --dot | --explain] [--workers N]',
    positionals: [1, 1],
    flags: [
      { name: 'json', type: 'boolean', description: 'print the plan as JSON' },
      { name: 'dot', type: 'boolean', description: 'print the DAG in Graphviz dot' },
      { name: 'explain', type: 'boolean', description: 'print every decision with its alternatives and reasons' },
      workers,
      format,
    ],
    load: () => import('./plan.js'),
  },
  { name: 'calibrate', summary: 'measure this machine for the cost models and cache the constants', usage: 'dlc calibrate [--print] [--json]', positionals: [0, 0], flags: [{ name: 'print', type: 'boolean', description: 'show the cached constants (or the defaults) without measuring' }, { name: 'json', type: 'boolean', description: 'print as JSON' }], load: () => import('./calibrate.js'), details: 'Measures read, sort, hash and send rates, hash-index memory and training throughput in a few seconds; writes $XDG_CACHE_HOME/dlc/calibration.json (else ~/.cache/dlc). `dlc plan` uses the cached constants and says which came from here.' },
  {
    name: 'worker',
    summary: 'serve units of cluster runs from a Redis queue',
    usage: 'dlc worker --queue redis://host:port/db --store PATH [--devices cpu|gpu|N] [--id NAME]',
    positionals: [0, 0],
    flags: [
      { name: 'queue', type: 'string', value: 'URL', description: 'the Redis of the cluster (password from DLC_REDIS_PASSWORD or DLC_REDIS_PASSWORD_FILE; rediss:// for TLS)' },
      { name: 'store', type: 'string', value: 'PATH', description: 'the shared store (the same path on every machine)' },
      { name: 'devices', type: 'string', value: 'cpu|gpu|N', description: 'the device to train on: cpu, gpu (the first), or a GPU index (sets CUDA_VISIBLE_DEVICES)' },
      { name: 'id', type: 'string', value: 'NAME', description: 'worker name (default host-pid)' },
      { name: 'backend', type: 'string', value: 'wasm|cpu|tfjs-node|tfjs-node-gpu', description: 'TensorFlow.js backend to prefer' },
    ],
    load: () => import('./worker.js'),
    details: 'Stops gracefully on Ctrl-C or SIGTERM: the unit in progress finishes first.',
  },
  {
    name: 'deploy',
    summary: 'print Kubernetes manifests for running a spec on a cluster',
    usage: 'dlc deploy k8s SPEC [--replicas N] [--image IMAGE] [--storage SIZE] [--storage-class NAME]',
    positionals: [2, 2],
    flags: [
      { name: 'replicas', type: 'string', value: 'N', description: 'worker pods (default resources.workers)' },
      { name: 'image', type: 'string', value: 'IMAGE', description: 'container image with dlc and the project installed (default dlc-worker:latest)' },
      { name: 'storage', type: 'string', value: 'SIZE', description: 'size of the shared store volume (default 100Gi)' },
      { name: 'storage-class', type: 'string', value: 'NAME', description: 'a storage class offering ReadWriteMany volumes' },
      format,
    ],
    load: () => import('./deploy.js'),
    details: 'Workers get one GPU each (nvidia.com/gpu) when the spec asks for GPUs. See docs/cluster.md.',
  },
  {
    name: 'doctor',
    summary: 'show the TensorFlow.js backends, GPUs and versions this machine offers',
    usage: 'dlc doctor [--json]',
    positionals: [0, 0],
    flags: [{ name: 'json', type: 'boolean', description: 'print as JSON' }],
    load: () => import('./doctor.js'),
  },
  {
    name: 'schema',
    summary: 'print the JSON Schema of the spec language',
    usage: 'dlc schema',
    positionals: [0, 0],
    flags: [],
    load: () => import('./schema.js'),
    details: 'Editors pick it up with a first line `# yaml-language-server: $schema=path/to/pipeline.schema.json`.',
  },
];

export const GLOBAL_FLAGS: FlagSpec[] = [
  { name: 'help', short: 'h', type: 'boolean', description: 'show help' },
  { name: 'version', short: 'v', type: 'boolean', description: 'print the version' },
];
