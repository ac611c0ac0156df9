/**
 * The state every human-facing view of a run is drawn from (the terminal UI, `dlc show`, `dlc report`),
 * folded from the event stream by one pure reducer: `reduceRun(state, event)` returns a new state and
 * changes nothing it was given, so a live run and a replay of events.ndjson give the same picture.
 */
import type { Metrics, RunEvent, RunFinished } from '../../events/types.js';
import type { NodeOutline, Objective, PlanOutline, TrainingOutline } from './plan-outline.js';

/** `stopped`: cut short by a stop request (the runtime reports it as failed with the error `interrupted`). */
export type NodeStatus = 'pending' | 'running' | 'completed' | 'failed' | 'cached' | 'stopped';
/** `paused`: still running when the run was stopped; `dlc run --resume` continues it. */
export type TrialStatus = 'running' | 'completed' | 'promoted' | 'stopped_early' | 'failed' | 'paused';
export type UnitStatus = 'running' | 'completed' | 'failed' | 'lost';

export interface NodeView {
  id: string;
  op: string;
  wave: number;
  status: NodeStatus;
  /** Epoch milliseconds of the last `node_started` (a resumed run starts a node again). */
  startedAt?: number;
  finishedAt?: number;
  seconds?: number;
  rows?: Record<string, number>;
  metrics?: Metrics;
  path?: string;
  error?: string;
  /** The last `node_progress` the node sent. */
  progress?: { done: number; total: number };
  training?: TrainingOutline;
}

export interface TrialView {
  node: string;
  trial: number;
  params: Record<string, unknown>;
  status: TrialStatus;
  startedAt: number;
  /** Metrics of each finished epoch of this trial, in order (`val_` for validation). */
  epochs: Metrics[];
  /** Model epochs before this trial, when it continues another (a promotion, a PBT generation). */
  fromEpoch?: number;
  unitsDone: number;
  seconds?: number;
  objective?: number | null;
  checkpoint?: string;
  error?: string;
}

export interface UnitView {
  seq: number;
  node: string;
  trial: number;
  epoch: number;
  partition: number | 'all';
  worker: string;
  /** Every worker of a group unit (data or model parallelism); absent for a unit on one worker. */
  workers?: string[];
  status: UnitStatus;
  start: number;
  end?: number;
  /** Set when the unit was started by an earlier session of a resumed run. */
  earlier?: boolean;
}

export interface WorkerView {
  id: string;
  pid: number;
  backend: string;
  device: string;
  up: boolean;
  /** Why it went down: `exited` when asked to, else it was lost. */
  reason?: 'exited' | 'crashed' | 'error';
  detail?: string;
}

export interface LogLine {
  at: number;
  level: 'info' | 'warn' | 'error';
  message: string;
}

export interface RunInfo {
  id: string;
  name: string;
  dir: string;
  specFile: string;
  seed: number;
  workers: number;
  resumed: boolean;
  replayOf?: string;
  /** When this session of the run started (a resume starts a new one). */
  startedAt: number;
  /** When the first session started. */
  firstStartedAt: number;
}

export interface RunState {
  run?: RunInfo;
  finished?: Omit<RunFinished, 'type' | 'time'> & { at: number };
  nodes: NodeView[];
  trials: TrialView[];
  units: UnitView[];
  workers: WorkerView[];
  log: LogLine[];
  /** Objective per train node, from the plan or the first `trial_finished` that names it. */
  objectives: Record<string, Objective>;
  /** Time of the latest event: what "now" is when a finished run is looked at. */
  lastAt: number;
}

/** Log lines kept (older ones are dropped; the event file has them all). */
export const LOG_LIMIT = 200;

export function initialRunState(outline?: PlanOutline): RunState {
  const nodes = (outline?.nodes ?? []).map((n: NodeOutline): NodeView => ({ id: n.id, op: n.op, wave: n.wave, status: 'pending', ...(n.training ? { training: n.training } : {}) }));
  const objectives: Record<string, Objective> = {};
  for (const n of outline?.nodes ?? []) if (n.training) objectives[n.id] = n.training.objective;
  return { nodes, trials: [], units: [], workers: [], log: [], objectives, lastAt: 0 };
}

const replaceWhere = <T>(list: readonly T[], match: (x: T) => boolean, update: (x: T) => T): T[] => list.map((x) => (match(x) ? update(x) : x));

function withNode(state: RunState, id: string, op: string, update: (n: NodeView) => NodeView): NodeView[] {
  if (state.nodes.some((n) => n.id === id)) return replaceWhere(state.nodes, (n) => n.id === id, update);
  const wave = state.nodes.length === 0 ? 0 : Math.max(...state.nodes.map((n) => n.wave)) + 1;
  return [...state.nodes, update({ id, op, wave, status: 'pending' })];
}

function appendLog(log: readonly LogLine[], line: LogLine): LogLine[] {
  const next = [...log, line];
  return next.length > LOG_LIMIT ? next.slice(next.length - LOG_LIMIT) : next;
}

const trialKey = (node: string, trial: number) => (t: TrialView) => t.node === node && t.trial === trial;

export function reduceRun(state: RunState, event: RunEvent): RunState {
  const at = Date.parse(event.time);
  const s: RunState = { ...state, lastAt: Number.isFinite(at) ? Math.max(state.lastAt, at) : state.lastAt };
  switch (event.type) {
    case 'run_started': {
      const resumed = event.resumed === true || state.run !== undefined;
      return {
        ...s,
        run: {
          id: event.run_id,
          name: event.name,
          dir: event.run_dir,
          specFile: event.spec_file,
          seed: event.seed,
          workers: event.workers,
          resumed,
          ...(event.replay_of !== undefined ? { replayOf: event.replay_of } : {}),
          startedAt: at,
          firstStartedAt: state.run?.firstStartedAt ?? at,
        },
        finished: undefined,
        trials: state.trials.map((t) => (t.status === 'paused' ? { ...t, status: 'running' } : t)),
        // Workers and units in flight belong to the session that ended; the new one starts its own.
        workers: [],
        units: state.units.map((u) => (u.status === 'running' ? { ...u, status: 'lost', end: u.end ?? state.lastAt, earlier: true } : { ...u, earlier: true })),
        log: resumed ? appendLog(s.log, { at, level: 'info', message: 'resumed' }) : s.log,
      };
    }
    case 'worker_up':
      return { ...s, workers: [...s.workers.filter((w) => w.id !== event.worker), { id: event.worker, pid: event.pid, backend: event.backend, device: event.device, up: true }] };
    case 'worker_down': {
      const workers = replaceWhere(s.workers, (w) => w.id === event.worker, (w) => ({ ...w, up: false, reason: event.reason, ...(event.detail !== undefined ? { detail: event.detail } : {}) }));
      if (event.reason === 'exited') return { ...s, workers };
      return { ...s, workers, log: appendLog(s.log, { at, level: 'warn', message: `worker ${event.worker} lost (${event.detail ?? event.reason})` }) };
    }
    case 'node_started':
      return { ...s, nodes: withNode(s, event.node, event.op, (n) => ({ ...n, op: event.op, status: 'running', startedAt: at, finishedAt: undefined, progress: undefined })) };
    case 'node_progress':
      return { ...s, nodes: withNode(s, event.node, '', (n) => ({ ...n, progress: { done: event.done, total: event.total } })) };
    case 'node_finished': {
      const stopped = event.status === 'failed' && event.error === 'interrupted';
      const nodes = withNode(s, event.node, event.op, (n) => ({
        ...n,
        op: event.op || n.op,
        status: stopped ? 'stopped' : event.status,
        finishedAt: at,
        seconds: event.seconds,
        ...(event.rows ? { rows: event.rows } : {}),
        ...(event.metrics ? { metrics: event.metrics } : {}),
        ...(event.path !== undefined ? { path: event.path } : {}),
        ...(event.error !== undefined ? { error: event.error } : {}),
      }));
      const log = event.status === 'failed' && !stopped ? appendLog(s.log, { at, level: 'error', message: `${event.node} failed${event.error ? `: ${event.error}` : ''}` }) : s.log;
      return { ...s, nodes, log };
    }
    case 'trial_started': {
      if (s.trials.some(trialKey(event.node, event.trial))) return { ...s, trials: replaceWhere(s.trials, trialKey(event.node, event.trial), (t) => ({ ...t, status: 'running' })) };
      const fromEpoch = event.from_epoch !== undefined ? { fromEpoch: event.from_epoch } : {};
      return { ...s, trials: [...s.trials, { node: event.node, trial: event.trial, params: event.params, status: 'running', startedAt: at, epochs: [], unitsDone: 0, ...fromEpoch }] };
    }
    case 'unit_started':
      return {
        ...s,
        units: [...s.units, { seq: event.seq, node: event.node, trial: event.trial, epoch: event.epoch, partition: event.partition, worker: event.worker, ...(event.workers ? { workers: event.workers } : {}), status: 'running', start: at }],
      };
    case 'unit_finished': {
      let found = false;
      const units = s.units.map((u) => {
        if (u.seq !== event.seq || u.status !== 'running') return u;
        found = true;
        return { ...u, status: event.status, end: at };
      });
      // A unit that started before the events began (an earlier session) still counts: it is drawn as ending here.
      if (!found) units.push({ seq: event.seq, node: event.node, trial: event.trial, epoch: event.epoch, partition: event.partition, worker: event.worker, ...(event.workers ? { workers: event.workers } : {}), status: event.status, start: at - (event.seconds ?? 0) * 1000, end: at });
      const trials = event.status === 'completed' ? replaceWhere(s.trials, trialKey(event.node, event.trial), (t) => ({ ...t, unitsDone: t.unitsDone + 1 })) : s.trials;
      let log = s.log;
      if (event.status === 'failed') log = appendLog(log, { at, level: 'error', message: `trial ${event.trial} epoch ${event.epoch + 1} partition ${event.partition} failed on ${event.worker}: ${event.error ?? ''}` });
      if (event.status === 'lost') log = appendLog(log, { at, level: 'warn', message: `trial ${event.trial} epoch ${event.epoch + 1} partition ${event.partition} lost with ${event.worker}; it runs again` });
      return { ...s, units, trials, log };
    }
    case 'epoch_finished':
      return {
        ...s,
        trials: replaceWhere(s.trials, trialKey(event.node, event.trial), (t) => {
          const epochs = [...t.epochs];
          epochs[event.epoch - 1 - (t.fromEpoch ?? 0)] = event.metrics;
          return { ...t, epochs };
        }),
      };
    case 'trial_finished': {
      const update = (t: TrialView): TrialView => ({
        ...t,
        params: event.params,
        status: event.status,
        seconds: event.seconds,
        objective: event.objective.value,
        ...(event.checkpoint !== undefined ? { checkpoint: event.checkpoint } : {}),
        ...(event.error !== undefined ? { error: event.error } : {}),
      });
      const trials = s.trials.some(trialKey(event.node, event.trial))
        ? replaceWhere(s.trials, trialKey(event.node, event.trial), update)
        : [...s.trials, update({ node: event.node, trial: event.trial, params: event.params, status: event.status, startedAt: at, epochs: [], unitsDone: 0 })];
      const objectives = { ...s.objectives, [event.node]: { metric: event.objective.metric, mode: event.objective.mode } };
      const how =
        event.status === 'completed'
          ? 'finished'
          : event.status === 'promoted'
            ? `promoted${event.rung !== undefined ? ` at rung ${event.rung}` : ''}`
            : event.status === 'stopped_early'
              ? `stopped early after epoch ${event.epochs}${event.stopped_by ? ` (${event.stopped_by.replace(/_/g, ' ')})` : ''}`
              : 'failed';
      const value = event.objective.value === null ? 'n/a' : Number.isInteger(event.objective.value) ? String(event.objective.value) : event.objective.value.toPrecision(4);
      const log = appendLog(s.log, { at, level: event.status === 'failed' ? 'error' : 'info', message: `trial ${event.trial} ${how}: ${event.objective.metric} ${value}${event.error ? ` (${event.error})` : ''}` });
      return { ...s, trials, objectives, log };
    }
    case 'log':
      return { ...s, log: appendLog(s.log, { at, level: event.level, message: event.worker !== undefined && !event.message.includes(event.worker) ? `${event.worker}: ${event.message}` : event.message }) };
    case 'run_finished': {
      const { type: _type, time: _time, ...rest } = event;
      return {
        ...s,
        finished: { ...rest, at },
        trials: s.trials.map((t) => (t.status === 'running' ? { ...t, status: event.status === 'interrupted' ? 'paused' : 'failed' } : t)),
        // Units still marked running were cut off by the stop.
        units: s.units.map((u) => (u.status === 'running' ? { ...u, status: 'lost', end: at } : u)),
      };
    }
    default:
      return s;
  }
}

/** Folds a whole event list (a finished run's events.ndjson). */
export function runStateOf(events: readonly RunEvent[], outline?: PlanOutline): RunState {
  let state = initialRunState(outline);
  for (const e of events) state = reduceRun(state, e);
  return state;
}
