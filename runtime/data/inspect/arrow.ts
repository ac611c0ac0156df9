import type { Schema } from 'apache-arrow';
import { readMessageAt, recordBatchRows } from './arrow-ipc.js';
import { arrowColumnType, loadArrow, type ArrowRuntime } from './arrow-types.js';
import { readAt, readExactly, withFile, type OpenFile } from './file-bytes.js';
import type { FileInspection } from './file-schema.js';
import { corrupt } from './source-error.js';

const MAGIC = 'ARROW1';

/**
 * Schema and row count of an Arrow IPC file (`ARROW1` magic, footer with the batch index) or stream. Only
 * message metadata is decoded; record batch bodies are skipped over, never read.
 */
export function inspectArrowFile(path: string): FileInspection {
  const runtime = loadArrow();
  return withFile(path, (file) => {
    const head = readAt(file, 0, 8);
    return latin1(head.subarray(0, 6)) === MAGIC ? inspectFileFormat(file, runtime) : inspectStreamFormat(file, runtime);
  });
}

/** File format: `ARROW1\0\0`, messages, footer (schema + batch blocks), footer length, `ARROW1`. */
function inspectFileFormat(file: OpenFile, runtime: ArrowRuntime): FileInspection {
  const tail = readAt(file, Math.max(0, file.size - 10), 10);
  if (file.size < 18 || latin1(tail.subarray(4)) !== MAGIC) {
    throw corrupt(file.path, 'truncated or damaged Arrow IPC file: it starts with ARROW1 but does not end with it (no footer)');
  }
  const footerLength = new DataView(tail.buffer, tail.byteOffset, 4).getInt32(0, true);
  if (footerLength <= 0 || footerLength > file.size - 18) {
    throw corrupt(file.path, `damaged Arrow IPC file: footer length ${footerLength} does not fit in a ${file.size}-byte file`);
  }
  const footerBytes = readExactly(file, file.size - 10 - footerLength, footerLength, 'Arrow footer');
  let footer: InstanceType<ArrowRuntime['Footer']>;
  try {
    footer = runtime.Footer.decode(footerBytes);
  } catch (e) {
    throw corrupt(file.path, `damaged Arrow IPC footer (${(e as Error).message})`);
  }
  let rows = 0;
  for (const block of footer.recordBatches()) {
    const at = readMessageAt(file, Number(block.offset), runtime);
    rows += at ? recordBatchRows(at.message) : 0;
  }
  return { columns: columnsOf(footer.schema, runtime), bytes: file.size, rows };
}

/** Stream format: a schema message, then dictionary and record batch messages, then an optional end marker. */
function inspectStreamFormat(file: OpenFile, runtime: ArrowRuntime): FileInspection {
  if (file.size < 8) throw corrupt(file.path, `not an Arrow IPC file or stream (${file.size} bytes)`);
  let first;
  try {
    first = readMessageAt(file, 0, runtime);
  } catch {
    first = undefined;
  }
  if (!first?.message.isSchema()) {
    throw corrupt(file.path, 'not an Arrow IPC file or stream: it neither starts with ARROW1 nor with a schema message');
  }
  const schema = first.message.header();
  let rows = 0;
  // Counting rows walks the message headers, two small reads per batch, never the batch bodies.
  for (let offset = first.next; offset < file.size; ) {
    const at = readMessageAt(file, offset, runtime);
    if (!at) break;
    rows += recordBatchRows(at.message);
    offset = at.next;
  }
  return { columns: columnsOf(schema, runtime), bytes: file.size, rows };
}

function columnsOf(schema: Schema, runtime: ArrowRuntime): FileInspection['columns'] {
  return schema.fields.map((f) => ({ name: f.name, type: arrowColumnType(f.type, runtime), nullable: f.nullable }));
}

const latin1 = (bytes: Uint8Array): string => String.fromCharCode(...bytes);
