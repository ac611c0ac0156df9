/**
 * Framing on a byte stream: an 8-byte header (payload length in bytes, channel; uint32 little-endian) and
 * the payload. The reader hands out each payload in a buffer of its own, filled as chunks arrive, so a
 * large payload costs one copy whatever the chunk size.
 */
import { FRAME_BYTES } from '../../compiler/cost/runtime-facts.js';

export const HEADER_BYTES = FRAME_BYTES;

/** One frame as a single buffer (a copy of `payload`). */
export function encodeFrame(channel: number, payload: Uint8Array): Buffer {
  const frame = Buffer.allocUnsafe(HEADER_BYTES + payload.byteLength);
  frame.writeUInt32LE(payload.byteLength, 0);
  frame.writeUInt32LE(channel, 4);
  frame.set(payload, HEADER_BYTES);
  return frame;
}

/** The bytes of a float32 array, without copying. */
export function bytesOf(data: Float32Array): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** A payload's bytes as float32 values; the payload's buffer is its own, so no copy unless misaligned. */
export function floatsOf(payload: Uint8Array): Float32Array {
  if (payload.byteLength % 4 !== 0) throw new RangeError(`a payload of ${payload.byteLength} bytes is not float32 values`);
  if (payload.byteOffset % 4 === 0) return new Float32Array(payload.buffer, payload.byteOffset, payload.byteLength / 4);
  return new Float32Array(payload.slice().buffer);
}

export class FrameReader {
  private header = Buffer.alloc(HEADER_BYTES);
  private headerFill = 0;
  private body: Uint8Array | undefined;
  private bodyFill = 0;
  private channel = 0;

  constructor(private readonly onFrame: (channel: number, payload: Uint8Array) => void) {}

  push(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length) {
      if (this.body === undefined) {
        const take = Math.min(HEADER_BYTES - this.headerFill, chunk.length - at);
        chunk.copy(this.header, this.headerFill, at, at + take);
        this.headerFill += take;
        at += take;
        if (this.headerFill < HEADER_BYTES) return;
        const length = this.header.readUInt32LE(0);
        this.channel = this.header.readUInt32LE(4);
        this.headerFill = 0;
        if (length === 0) {
          this.onFrame(this.channel, new Uint8Array(0));
          continue;
        }
        this.body = new Uint8Array(length);
        this.bodyFill = 0;
      }
      const take = Math.min(this.body.length - this.bodyFill, chunk.length - at);
      this.body.set(chunk.subarray(at, at + take), this.bodyFill);
      this.bodyFill += take;
      at += take;
      if (this.bodyFill === this.body.length) {
        const body = this.body;
        this.body = undefined;
        this.onFrame(this.channel, body);
      }
    }
  }
}
