/**
 * Plain lines for a terminal without a TUI, a CI log or a pipe: one line per thing that happened, no
 * escapes unless colour is on, no redrawing. Fed by events only.
 */
import { isAbsolute, relative } from 'node:path';
import type { EventSink, RunEvent } from '../events/types.js';
import { formatNumber, metricsText, paramsText } from './format.js';

export interface PlainOptions {
  color: boolean;
  cwd: string;
  /** Print every unit (on by default only where there are few). */
  verbose?: boolean;
}

const fmt = formatNumber;

/** A step's progress is printed when it passes a quarter, or after this long without a line. */
const PROGRESS_EVERY_MS = 30_000;

export class PlainReporter implements EventSink {
  private readonly epochsOf = new Map<string, number>();
  private readonly progressOf = new Map<string, { quarter: number; at: number }>();
  /** The objective's name per train step, to say what the best value measures. */
  private readonly objectiveOf = new Map<string, string>();

  constructor(
    private readonly out: NodeJS.WritableStream,
    private readonly options: PlainOptions,
  ) {}

  private paint(code: string, text: string): string {
    return this.options.color ? `\u001b[${code}m${text}\u001b[0m` : text;
  }

  private line(text: string): void {
    this.out.write(`${text}\n`);
  }

  /** Tells the name of a train step's objective, for a reporter that did not see its trials finish. */
  knowObjective(node: string, metric: string): void {
    this.objectiveOf.set(node, metric);
  }

  private path(p: string): string {
    const r = relative(this.options.cwd, p);
    // Inside the working directory a relative path is shorter; outside it, `../../tmp/x` reads worse than `/tmp/x`.
    return r.startsWith('..') || isAbsolute(r) ? p : r || '.';
  }

  emit(e: RunEvent): void {
    switch (e.type) {
      case 'run_started':
        this.line(`${this.paint('1', `dlc run ${e.name}`)}${e.resumed ? ' (resumed)' : ''}${e.replay_of ? ` (replaying ${this.path(e.replay_of)})` : ''}  run ${e.run_id}  seed ${e.seed}`);
        break;
      case 'worker_up':
        this.line(`  worker ${e.worker} up: ${e.backend === 'none' ? 'no TensorFlow.js engine (external trainers only)' : `${e.backend} backend`} on ${e.device} (pid ${e.pid})`);
        break;
      case 'worker_down':
        if (e.reason !== 'exited') this.line(this.paint('33', `  worker ${e.worker} lost (${e.detail ?? e.reason}); its partitions move to the others and its unit runs again`));
        break;
      case 'node_started':
        this.progressOf.set(e.node, { quarter: 0, at: Date.parse(e.time) });
        break;
      case 'node_progress': {
        // Logs keep every line: progress is told a few times per step, never redrawn.
        if (e.total <= 0) break;
        const last = this.progressOf.get(e.node) ?? { quarter: 0, at: Date.parse(e.time) };
        const quarter = Math.floor((4 * Math.min(e.done, e.total)) / e.total);
        const at = Date.parse(e.time);
        if (e.done >= e.total || (quarter <= last.quarter && at - last.at < PROGRESS_EVERY_MS)) break;
        this.progressOf.set(e.node, { quarter: Math.max(quarter, last.quarter), at });
        this.line(this.paint('2', `  ${e.node}: ${e.done}/${e.total} (${Math.floor((100 * e.done) / e.total)}%)`));
        break;
      }
      case 'node_finished': {
        const ok = e.status === 'completed' || e.status === 'cached';
        const mark = ok ? this.paint('32', '✓') : this.paint('31', '✗');
        const rows = e.rows ? Object.entries(e.rows).map(([k, n]) => (k === 'default' ? `${n} rows` : `${k} ${n} rows`)).join(', ') : '';
        const extra = [rows, e.metrics ? metricsText(e.metrics) : '', e.path ? `→ ${this.path(e.path)}` : '', e.status === 'cached' ? '(cached)' : '', e.error ?? ''].filter(Boolean).join('  ');
        this.line(`${mark} ${e.node} (${e.op})  ${extra}  ${this.paint('2', `${e.seconds.toFixed(1)}s`)}`);
        break;
      }
      case 'trial_started': {
        const where = [e.rung !== undefined ? `rung ${e.rung}` : '', e.generation !== undefined ? `generation ${e.generation}` : '', e.parent !== undefined ? `${e.inherit === 'exploit' ? 'copying' : 'continuing'} trial ${e.parent}` : '']
          .filter(Boolean)
          .join(', ');
        this.line(`  ${e.node} trial ${e.trial} started${where ? ` (${where})` : ''}: ${paramsText(e.params)}`);
        break;
      }
      case 'unit_started':
        if (this.options.verbose) this.line(this.paint('2', `    ${e.worker}: trial ${e.trial} epoch ${e.epoch + 1} partition ${e.partition}`));
        break;
      case 'unit_finished':
        if (e.status === 'failed') this.line(this.paint('31', `    ${e.worker}: trial ${e.trial} epoch ${e.epoch + 1} partition ${e.partition} failed: ${e.error ?? ''}`));
        else if (e.status === 'lost') this.line(this.paint('33', `    ${e.worker}: trial ${e.trial} epoch ${e.epoch + 1} partition ${e.partition} lost with its worker; it runs again`));
        break;
      case 'epoch_finished':
        this.epochsOf.set(`${e.node}#${e.trial}`, e.epoch);
        this.line(`  ${e.node} trial ${e.trial} epoch ${e.epoch}: ${metricsText(e.metrics)}`);
        break;
      case 'trial_finished': {
        this.objectiveOf.set(e.node, e.objective.metric);
        const at = e.rung !== undefined ? ` at rung ${e.rung}` : e.generation !== undefined ? ` in generation ${e.generation}` : '';
        const how =
          e.status === 'completed'
            ? 'finished'
            : e.status === 'promoted'
              ? `promoted${at}`
              : e.status === 'stopped_early'
                ? `stopped early after epoch ${e.epochs}${at}${e.stopped_by ? ` (${e.stopped_by.replace(/_/g, ' ')})` : ''}`
                : 'failed';
        const value = e.objective.value === null ? 'n/a' : fmt(e.objective.value);
        this.line(`  ${e.node} trial ${e.trial} ${how}: ${e.objective.metric} ${value}${e.error ? `  (${e.error})` : ''}`);
        break;
      }
      case 'log':
        this.line(e.level === 'info' ? `  ${e.message}` : this.paint(e.level === 'warn' ? '33' : '31', `${e.level}: ${e.message}`));
        break;
      case 'run_finished': {
        if (e.status === 'completed') {
          const best = e.best ? `; best: ${e.best.node} trial ${e.best.trial} (${paramsText(e.best.params)})${e.best.objective === null ? '' : ` ${this.objectiveOf.get(e.best.node) ?? 'objective'} ${fmt(e.best.objective)}`}, model in ${this.path(e.best.model)}` : '';
          this.line(`${this.paint('32', 'done')} in ${e.seconds.toFixed(1)}s${best}`);
        } else if (e.status === 'interrupted') {
          this.line(this.paint('33', `stopped after ${e.seconds.toFixed(1)}s; continue with: dlc run --resume ${this.path(e.run_dir)}`));
        } else {
          this.line(this.paint('31', `failed after ${e.seconds.toFixed(1)}s: ${e.error ?? 'unknown error'}`));
        }
        this.line(`run directory: ${this.path(e.run_dir)}`);
        break;
      }
    }
  }
}
