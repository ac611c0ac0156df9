import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { directoryNotFile, fsErrorToSourceError, SourceError } from './source-error.js';

/** An open file and its size: inspection reads a few ranges of it, never the whole. */
export interface OpenFile {
  fd: number;
  path: string;
  size: number;
}

/** How much of a CSV or JSONL file is sampled: enough for ~1000 rows of most tables, fast on any disk. */
export const TEXT_HEAD_BYTES = 1 << 20;
/** A text file whose first line is longer than the usual head is read further, up to this much. */
const TEXT_HEAD_MAX_BYTES = 16 << 20;

/** Opens `path` for `fn`; a file that is absent, a directory or unreadable becomes a `missing` problem. */
export function withFile<T>(path: string, fn: (file: OpenFile) => T): T {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw fsErrorToSourceError(e, path) ?? e;
  }
  try {
    const stat = fstatSync(fd);
    // Opening a directory succeeds on Linux; only the first read would fail, and less helpfully.
    if (stat.isDirectory()) throw directoryNotFile(path);
    return fn({ fd, path, size: stat.size });
  } finally {
    closeSync(fd);
  }
}

/** Up to `length` bytes from `position`; fewer only when the file ends first. */
export function readAt(file: OpenFile, position: number, length: number): Uint8Array {
  const want = Math.max(0, Math.min(length, file.size - position));
  const buf = new Uint8Array(want);
  let got = 0;
  while (got < want) {
    const n = readSync(file.fd, buf, got, want - got, position + got);
    if (n === 0) break;
    got += n;
  }
  return got === want ? buf : buf.subarray(0, got);
}

/** Exactly `length` bytes from `position`, or a `corrupt` problem saying the file ends too early. */
export function readExactly(file: OpenFile, position: number, length: number, what: string): Uint8Array {
  const bytes = readAt(file, position, length);
  if (bytes.length < length) {
    throw new SourceError('corrupt', file.path, `${file.path}: truncated: the file ends inside the ${what} (needs ${position + length} bytes, has ${file.size})`);
  }
  return bytes;
}

/**
 * The start of a text file, decoded as UTF-8 without a byte-order mark. `complete` says whether it is the
 * whole file; when it is not, the last line may be cut and callers drop it.
 */
export function readTextHead(file: OpenFile, limit = TEXT_HEAD_BYTES): { text: string; complete: boolean } {
  let bytes = readAt(file, 0, limit);
  if (bytes.length < file.size && !bytes.includes(0x0a)) bytes = readAt(file, 0, Math.max(limit, TEXT_HEAD_MAX_BYTES));
  // TextDecoder drops a leading byte-order mark by default, so the first header name comes out clean.
  return { text: new TextDecoder('utf-8').decode(bytes), complete: bytes.length >= file.size };
}
