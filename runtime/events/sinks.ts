import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import type { EventBody, EventSink, RunEvent } from './types.js';

/** Stamps events with the time and hands them to every sink; a failing sink never stops the run. */
export class EventBus {
  private readonly sinks: EventSink[] = [];
  private readonly errors: unknown[] = [];

  add(sink: EventSink): void {
    this.sinks.push(sink);
  }

  emit(body: EventBody): RunEvent {
    const event = { time: new Date().toISOString(), ...body } as RunEvent;
    for (const sink of this.sinks) {
      try {
        sink.emit(event);
      } catch (error) {
        this.errors.push(error);
      }
    }
    return event;
  }

  async close(): Promise<void> {
    for (const sink of this.sinks) await sink.close?.();
  }
}

/**
 * Appends each event as one JSON line to a file. Written synchronously, one write per line, with the file
 * opened for appending: after a crash the file ends at a whole event (at worst the last line is cut, which
 * readers skip), and a resumed run appends to the same file.
 */
export class NdjsonFileSink implements EventSink {
  private fd: number | undefined;

  constructor(path: string) {
    this.fd = openSync(path, 'a');
  }

  emit(event: RunEvent): void {
    if (this.fd === undefined) return;
    writeSync(this.fd, `${JSON.stringify(event)}\n`);
    // Durable at the points a resume relies on: a finished unit is a promise that its checkpoint exists.
    if (event.type === 'unit_finished' || event.type === 'trial_finished' || event.type === 'run_finished') fsyncSync(this.fd);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/** Writes events as NDJSON to a stream (`dlc run --json` on stdout). */
export class NdjsonStreamSink implements EventSink {
  constructor(private readonly stream: NodeJS.WritableStream) {}

  emit(event: RunEvent): void {
    this.stream.write(`${JSON.stringify(event)}\n`);
  }
}

/** Reads an events file; a cut last line (a crash mid-write) is skipped. */
export function parseEvents(text: string): RunEvent[] {
  const events: RunEvent[] = [];
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      events.push(JSON.parse(line) as RunEvent);
    } catch (error) {
      if (i < lines.length - 1 && lines.slice(i + 1).some((l) => l.trim() !== '')) throw new Error(`line ${i + 1} is not JSON: ${(error as Error).message}`);
    }
  });
  return events;
}
