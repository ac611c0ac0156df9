/**
 * The screen while a run goes on: follows the run state from a store, redraws on resize and every second
 * (elapsed times and estimates move without events), and turns keys into the UI's switches or a stop
 * request. The stop goes through the callback the command gave; nothing here touches the runtime.
 */
import { useInput, useStdin, useStdout } from 'ink';
import { useEffect, useState, useSyncExternalStore } from 'react';
import type { RunState } from '../view/run-state.js';
import { RunScreen } from './run-screen.js';
import type { TimelineMarks } from './timeline-pane.js';

export interface RunStore {
  subscribe(listener: () => void): () => void;
  getState(): RunState;
}

export interface LiveAppProps {
  store: RunStore;
  color: boolean;
  /** Asks the run to stop: the first call stops gracefully, a second aborts (the command decides). */
  onStop: () => void;
  /** Fixed size, for tests; otherwise the terminal's, following resizes. */
  size?: { columns: number; rows: number };
  /** Milliseconds between redraws without events. */
  tickMs?: number;
  clock?: () => number;
}

function useTerminalSize(fixed?: { columns: number; rows: number }): { columns: number; rows: number } {
  const { stdout } = useStdout();
  const read = () => fixed ?? { columns: stdout.columns || 80, rows: stdout.rows || 24 };
  const [size, setSize] = useState(read);
  useEffect(() => {
    if (fixed) return;
    // A terminal rewraps the old frame when it narrows, leaving pieces that ink no longer knows to erase;
    // the screen is cleared and drawn anew from its top.
    const onResize = () => {
      stdout.write('\u001b[2J\u001b[H');
      setSize(read());
    };
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout, fixed]);
  return fixed ?? size;
}

export function LiveApp({ store, color, onStop, size: fixed, tickMs = 1000, clock = Date.now }: LiveAppProps) {
  const state = useSyncExternalStore(store.subscribe, store.getState);
  const size = useTerminalSize(fixed);
  const { isRawModeSupported } = useStdin();
  const [now, setNow] = useState(clock);
  const [help, setHelp] = useState(false);
  const [marks, setMarks] = useState<TimelineMarks>('trials');
  const [stopping, setStopping] = useState(false);
  const finished = state.finished !== undefined;

  useEffect(() => {
    if (finished) return;
    const timer = setInterval(() => setNow(clock()), tickMs);
    return () => clearInterval(timer);
  }, [finished, tickMs, clock]);

  useInput(
    (input, key) => {
      if (input === 'q' || (key.ctrl && input === 'c')) {
        setStopping(true);
        setHelp(false);
        onStop();
      } else if (input === '?') setHelp((h) => !h);
      else if (key.escape) setHelp(false);
      else if (input === 'p') setMarks((m) => (m === 'trials' ? 'partitions' : 'trials'));
    },
    { isActive: isRawModeSupported === true && !finished },
  );

  const shownNow = finished ? (state.finished?.at ?? now) : Math.max(now, state.lastAt);
  return <RunScreen state={state} now={shownNow} columns={size.columns} rows={size.rows} color={color} marks={marks} help={help} stopping={stopping} keys={isRawModeSupported === true} />;
}
