// Self-checking message bodies: | sequence (uint32) | CRC-32 of the filler (uint32) | filler |.
// The consumer needs nothing but the body to tell a whole message from a damaged one, and the
// sequence number tells a first delivery from a duplicate.
import { crc32 } from "node:zlib";

export const HEADER_BYTES = 8;

/** A body of `size` bytes (at least 8) for message `seq`, its filler derived from `seq`. */
export function makeBody(seq: number, size: number): Buffer {
  const body = Buffer.allocUnsafe(Math.max(HEADER_BYTES, size));
  body.writeUInt32BE(seq >>> 0, 0);
  let x = (seq * 2654435761 + 1) >>> 0;
  for (let i = HEADER_BYTES; i < body.length; i++) {
    // xorshift32: cheap filler that differs from one message to the next.
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    body[i] = x & 0xff;
  }
  body.writeUInt32BE(crc32(body.subarray(HEADER_BYTES)), 4);
  return body;
}

/** The message's sequence number, or -1 when the body is too short to carry one. */
export function sequenceOf(body: Buffer): number {
  return body.length >= HEADER_BYTES ? body.readUInt32BE(0) : -1;
}

/** True when the filler still matches the checksum written when the message was made. */
export function isIntact(body: Buffer): boolean {
  return body.length >= HEADER_BYTES && body.readUInt32BE(4) === crc32(body.subarray(HEADER_BYTES));
}

/** Counts deliveries per sequence number: what arrived once, twice, never, or damaged. */
export class DeliveryLedger {
  private readonly counts: Uint16Array;
  private uniqueCount = 0;
  private duplicateCount = 0;
  private corruptCount = 0;
  private strayCount = 0;

  constructor(readonly expected: number) {
    this.counts = new Uint16Array(expected);
  }

  /** Records one delivery; returns its sequence number, or -1 for a damaged or unknown body. */
  record(body: Buffer): number {
    if (!isIntact(body)) {
      this.corruptCount++;
      return -1;
    }
    const seq = sequenceOf(body);
    if (seq < 0 || seq >= this.expected) {
      this.strayCount++;
      return -1;
    }
    const seen = this.counts[seq]!;
    if (seen === 0) this.uniqueCount++;
    else this.duplicateCount++;
    if (seen < 0xffff) this.counts[seq] = seen + 1;
    return seq;
  }

  /** Distinct messages received intact. */
  get unique(): number {
    return this.uniqueCount;
  }
  /** Deliveries beyond the first of a message. */
  get duplicated(): number {
    return this.duplicateCount;
  }
  /** Bodies whose checksum did not match. */
  get corrupted(): number {
    return this.corruptCount;
  }
  /** Intact bodies with a sequence number this run never sent. */
  get stray(): number {
    return this.strayCount;
  }
  /** Messages sent and never received intact. */
  get lost(): number {
    return this.expected - this.uniqueCount;
  }
}
