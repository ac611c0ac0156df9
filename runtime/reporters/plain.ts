/**
 * Plain lines for a terminal without a TUI, a CI log or a pipe: one line per thing that happened, no
 * escapes unless colour is on, no redrawing. Fed by events only.
 */
import { relative } from 'node:path';
import type { EventSink, Metrics, RunEvent } from '../events/types.js';

export interface PlainOptions {
  color: boolean;
  cwd: string;
  /** Print every unit (on by default only where there are few). */
  verbose?: boolean;
}

const fmt = (v: number): string => (Number.isInteger(v) ? String(v) : Math.abs(v) >= 100 ? v.toFixed(1) : v.toPrecision(4));
const metricsText = (m: Metrics): string =>
  Object.entries(m)
    .map(([k, v]) => `${k} ${fmt(v)}`)
    .join('  ');
const paramsText = (p: Record<string, unknown>): string =>
  Object.keys(p).length === 0
    ? '(no parameters)'
    : Object.entries(p)
        .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
        .join(' ');

export class PlainReporter implements EventSink {
  private readonly epochsOf = new Map<string, number>();

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

  private path(p: string): string {
    const r = relative(this.options.cwd, p);
    return r.startsWith('..') && r.split('/').filter((s) => s === '..').length > 2 ? p : r || '.';
  }

  emit(e: RunEvent): void {
    switch (e.type) {
      case 'run_started':
        this.line(`${this.paint('1', `dlc run ${e.name}`)}${e.resumed ? ' (resumed)' : ''}${e.replay_of ? ` (replaying ${this.path(e.replay_of)})` : ''}  run ${e.run_id}  seed ${e.seed}`);
        break;
      case 'worker_up':
        this.line(`  worker ${e.worker} up: ${e.backend} backend on ${e.device} (pid ${e.pid})`);
        break;
      case 'worker_down':
        if (e.reason !== 'exited') this.line(this.paint('33', `  worker ${e.worker} lost (${e.detail ?? e.reason}); its partitions move to the others and its unit runs again`));
        break;
      case 'node_started':
        break;
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
          const best = e.best ? `; best: ${e.best.node} trial ${e.best.trial} (${paramsText(e.best.params)}) ${e.best.objective === null ? '' : fmt(e.best.objective)}, model in ${this.path(e.best.model)}` : '';
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
