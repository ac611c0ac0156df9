/**
 * Partition files: Arrow IPC files (the random-access format, with a footer) that hold the table a step
 * hands to the next, or one partition of it.
 *
 * Writing is atomic: the bytes go to a temporary file in the same directory, are flushed to disk, and only
 * then renamed over the target, so a crash leaves either the old file, the new one, or a stray temporary,
 * never a half-written file under the real name. Reading checks the file's structure before trusting it:
 * the magic at both ends, the footer, and that every record batch the footer lists lies inside the file.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { RecordBatchFileWriter, RecordBatchReader, tableFromIPC, type RecordBatch, type Table } from 'apache-arrow';
import { Footer } from 'apache-arrow/ipc/metadata/file';
import { DataError } from '../relational/types.js';

const MAGIC = 'ARROW1';
/** `ARROW1` + 2 padding bytes at the start; footer length (int32) + `ARROW1` at the end. */
const HEAD_BYTES = 8;
const TAIL_BYTES = 10;

export async function writeTableFile(path: string, table: Table): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx');
    const writer = new RecordBatchFileWriter();
    const out = fd;
    // The writer hands its bytes out as they are produced, one batch at a time, not the whole file at once.
    const drained = (async () => {
      for await (const chunk of writer) writeFully(out, chunk);
    })();
    writer.write(table);
    writer.finish();
    await drained;
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    rmSync(tmp, { force: true });
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new DataError(`${path} cannot be written: the directory ${dirname(path)} does not exist`, path);
    throw fileError(e, path, 'cannot be written');
  }
  syncDirectory(dirname(path));
}

function writeFully(fd: number, bytes: Uint8Array): void {
  let done = 0;
  while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
}

/** The rename itself is durable only once the directory entry is on disk. Not every platform can fsync a directory. */
function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Best effort: the file's own data is already synced.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The whole file as a table. The record batches' buffers are views of the file's bytes, not copies. */
export function readTableFile(path: string): Table {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw fileError(e, path, 'cannot be read');
  }
  checkFileStructure(bytes, path);
  try {
    return tableFromIPC(bytes);
  } catch (e) {
    throw new DataError(`${path}: damaged Arrow IPC file (${(e as Error).message})`, path);
  }
}

/**
 * The record batches of a file one at a time, read from disk as they are asked for, so a partition larger
 * than memory can still be streamed into training.
 */
export async function* readTableFileBatches(path: string): AsyncGenerator<RecordBatch> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (e) {
    throw fileError(e, path, 'cannot be read');
  }
  try {
    const { size } = await handle.stat();
    const head = Buffer.alloc(Math.min(size, HEAD_BYTES));
    await handle.read(head, 0, head.length, 0);
    const tail = Buffer.alloc(Math.min(size, TAIL_BYTES));
    await handle.read(tail, 0, tail.length, Math.max(0, size - TAIL_BYTES));
    const footerLength = checkEnds(head, tail, size, path);
    const footerBytes = Buffer.alloc(footerLength);
    await handle.read(footerBytes, 0, footerLength, size - TAIL_BYTES - footerLength);
    checkFooter(footerBytes, size, path);
    const reader = await RecordBatchReader.from(handle);
    try {
      for await (const batch of reader) yield batch;
    } catch (e) {
      throw new DataError(`${path}: damaged Arrow IPC file (${(e as Error).message})`, path);
    }
  } finally {
    await handle.close();
  }
}

function checkFileStructure(bytes: Uint8Array, path: string): void {
  const footerLength = checkEnds(bytes.subarray(0, HEAD_BYTES), bytes.subarray(Math.max(0, bytes.length - TAIL_BYTES)), bytes.length, path);
  checkFooter(bytes.subarray(bytes.length - TAIL_BYTES - footerLength, bytes.length - TAIL_BYTES), bytes.length, path);
}

/** Checks the magic at both ends and returns the footer's length. */
function checkEnds(head: Uint8Array, tail: Uint8Array, size: number, path: string): number {
  if (size < HEAD_BYTES + TAIL_BYTES || latin1(head.subarray(0, 6)) !== MAGIC) {
    throw new DataError(`${path}: not an Arrow IPC file (${size} bytes${size >= 6 ? ', no ARROW1 magic at the start' : ''})`, path);
  }
  if (latin1(tail.subarray(4)) !== MAGIC) {
    throw new DataError(`${path}: truncated Arrow IPC file: it starts with ARROW1 but does not end with it (no footer)`, path);
  }
  const footerLength = new DataView(tail.buffer, tail.byteOffset, 4).getInt32(0, true);
  if (footerLength <= 0 || footerLength > size - HEAD_BYTES - TAIL_BYTES) {
    throw new DataError(`${path}: damaged Arrow IPC file: footer length ${footerLength} does not fit in a ${size}-byte file`, path);
  }
  return footerLength;
}

function checkFooter(footerBytes: Uint8Array, size: number, path: string): void {
  let footer: Footer;
  try {
    footer = Footer.decode(footerBytes);
  } catch (e) {
    throw new DataError(`${path}: damaged Arrow IPC footer (${(e as Error).message})`, path);
  }
  for (const block of [...footer.recordBatches(), ...footer.dictionaryBatches()]) {
    const end = Number(block.offset) + block.metaDataLength + Number(block.bodyLength);
    if (Number(block.offset) < HEAD_BYTES || end > size - TAIL_BYTES) {
      throw new DataError(`${path}: damaged Arrow IPC file: a record batch at byte ${block.offset} ends at byte ${end}, past the data (${size} bytes)`, path);
    }
  }
}

const latin1 = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');

/** File-system failures as DataErrors naming the file; anything else is a bug and stays as it is. */
function fileError(e: unknown, path: string, what: string): Error {
  if (e instanceof DataError) return e;
  const err = e as NodeJS.ErrnoException;
  if (typeof err?.code !== 'string') return err;
  switch (err.code) {
    case 'ENOENT':
      return new DataError(`${path} does not exist`, path);
    case 'EISDIR':
      return new DataError(`${path} is a directory, not a file`, path);
    case 'EACCES':
    case 'EPERM':
      return new DataError(`${path} ${what}: permission denied`, path);
    default:
      return new DataError(`${path} ${what}: ${err.message}`, path);
  }
}
