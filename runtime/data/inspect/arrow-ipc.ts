import type { Message } from 'apache-arrow';
import { loadArrow, type ArrowRuntime } from './arrow-types.js';
import { readExactly, type OpenFile } from './file-bytes.js';
import { corrupt } from './source-error.js';

/** The continuation marker that starts every IPC message since Arrow 0.15. */
const CONTINUATION = -1;

export interface MessageAt {
  message: Message;
  /** Where the next message starts: after this one's metadata and body. */
  next: number;
}

/**
 * Decodes the metadata of the encapsulated IPC message at `offset` without reading its body, which is what
 * makes schemas and row counts cheap. Returns undefined at an end-of-stream marker.
 */
export function readMessageAt(file: OpenFile, offset: number, runtime: ArrowRuntime = loadArrow()): MessageAt | undefined {
  const prefix = readExactly(file, offset, 4, `Arrow message at byte ${offset}`);
  const view = new DataView(prefix.buffer, prefix.byteOffset, 4);
  let length = view.getInt32(0, true);
  let start = offset + 4;
  if (length === CONTINUATION) {
    // Before Arrow 0.15 messages had no marker: the first int32 was the length itself.
    const len = readExactly(file, offset + 4, 4, `Arrow message at byte ${offset}`);
    length = new DataView(len.buffer, len.byteOffset, 4).getInt32(0, true);
    start = offset + 8;
  }
  if (length === 0) return undefined;
  if (length < 0 || start + length > file.size) {
    throw corrupt(file.path, `truncated or damaged Arrow IPC data: a message at byte ${offset} claims ${length} bytes of metadata, the file has ${file.size - start} left`);
  }
  const message = decodeMessage(readExactly(file, start, length, 'Arrow message metadata'), file.path, runtime);
  const next = start + length + Number(message.bodyLength);
  if (next > file.size) {
    throw corrupt(file.path, `truncated: an Arrow record batch at byte ${offset} needs ${next} bytes, the file has ${file.size}`);
  }
  return { message, next };
}

export function decodeMessage(bytes: Uint8Array, path: string, { arrow }: ArrowRuntime = loadArrow()): Message {
  try {
    return arrow.Message.decode(bytes);
  } catch (e) {
    throw corrupt(path, `damaged Arrow IPC message metadata (${(e as Error).message})`);
  }
}

/** Rows in a record-batch message; 0 for schema and dictionary messages. */
export const recordBatchRows = (message: Message): number => (message.isRecordBatch() ? Number(message.header().length) : 0);
