/**
 * The terminal UI of `dlc run`: an event sink that folds events into the run state and lets ink draw it.
 * When the run ends the last frame stays on the screen and the outcome follows as plain lines, so the
 * terminal's scrollback keeps what happened.
 */
import { render, type Instance } from 'ink';
import type { EventSink, RunEvent } from '../../events/types.js';
import { PlainReporter } from '../plain.js';
import type { PlanOutline } from '../view/plan-outline.js';
import { initialRunState, reduceRun, type RunState } from '../view/run-state.js';
import { LiveApp, type RunStore } from './live-app.js';

/** Longest a new event waits before it is drawn. */
const NOTIFY_MS = 250;

export interface TuiOptions {
  /** The terminal to draw on (stderr: stdout stays free for output a user redirects). */
  out: NodeJS.WriteStream;
  input: NodeJS.ReadStream;
  color: boolean;
  cwd: string;
  outline?: PlanOutline;
  /** Events of earlier sessions of a resumed run, shown as where it had got to. */
  earlier?: readonly RunEvent[];
  onStop: () => void;
}

export class TuiReporter implements EventSink, RunStore {
  private state: RunState;
  private readonly listeners = new Set<() => void>();
  private readonly instance: Instance;
  private closed = false;
  private pending: NodeJS.Timeout | undefined;
  private finishedEvent: RunEvent | undefined;

  constructor(private readonly options: TuiOptions) {
    let state = initialRunState(options.outline);
    for (const e of options.earlier ?? []) state = reduceRun(state, e);
    this.state = state;
    this.instance = render(<LiveApp store={this} color={options.color} onStop={options.onStop} />, {
      stdout: options.out,
      stdin: options.input,
      exitOnCtrlC: false,
      patchConsole: true,
      maxFps: 10,
    });
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getState = (): RunState => this.state;

  emit(event: RunEvent): void {
    if (this.closed) return;
    this.state = reduceRun(this.state, event);
    if (event.type === 'run_finished') this.finishedEvent = event;
    // Events come in bursts (a unit ends, the next starts, an epoch closes): one redraw per burst keeps
    // the driver's CPU for the run on a machine whose cores the workers use.
    if (event.type === 'run_finished') this.notify();
    else this.pending ??= setTimeout(() => this.notify(), NOTIFY_MS);
  }

  private notify(): void {
    clearTimeout(this.pending);
    this.pending = undefined;
    for (const l of this.listeners) l();
  }

  /** Leaves the last frame on screen, gives the terminal back, then prints the outcome as plain lines. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.notify();
    // Let React commit the last state before the final frame is written.
    await new Promise((resolve) => setTimeout(resolve, 30));
    this.instance.unmount();
    await this.instance.waitUntilExit().catch(() => undefined);
    if (this.finishedEvent) {
      const summary = new PlainReporter(this.options.out, { color: this.options.color, cwd: this.options.cwd });
      for (const [node, objective] of Object.entries(this.state.objectives)) summary.knowObjective(node, objective.metric);
      summary.emit(this.finishedEvent);
    }
  }
}
