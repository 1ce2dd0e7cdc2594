import { ModelFormatError } from '@x/core';

/** Thrown when the window holds fewer bytes than the file does: the caller re-reads a larger window. */
export class NeedMoreBytes extends Error {
  constructor(readonly needed: number) {
    super(`need ${needed} bytes`);
  }
}

const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

/**
 * Little-endian reader over a window of a file. Every length is checked against the bytes the
 * whole file has left before anything is allocated; reading past the window asks for a larger one.
 */
export class ByteCursor {
  pos = 0;
  private readonly view: DataView;

  constructor(
    readonly bytes: Uint8Array,
    readonly fileSize: number,
    readonly path: string | undefined,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get remaining(): number {
    return this.fileSize - this.pos;
  }

  fail(message: string, fields: { offset?: number; expected?: string; got?: string } = {}): never {
    throw new ModelFormatError(message, { path: this.path, offset: fields.offset ?? this.pos, ...fields });
  }

  /** Ensures `count` bytes follow, failing when the file is too short. */
  need(count: number, what: string): void {
    if (count > this.remaining) {
      this.fail(`truncated ${what}`, {
        expected: `${count} bytes`,
        got: `${Math.max(0, this.remaining)} bytes`,
      });
    }
    if (this.pos + count > this.bytes.length) throw new NeedMoreBytes(this.pos + count);
  }

  u8(what: string): number {
    this.need(1, what);
    return this.view.getUint8(this.pos++);
  }

  u32(what: string): number {
    this.need(4, what);
    const value = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return value;
  }

  u64(what: string): bigint {
    this.need(8, what);
    const value = this.view.getBigUint64(this.pos, true);
    this.pos += 8;
    return value;
  }

  /** A u64 count or length that must fit in `limit` items (each at least `minItemBytes` long). */
  count(what: string, minItemBytes: number): number {
    const at = this.pos;
    this.need(8, what);
    const low = this.view.getUint32(this.pos, true);
    const high = this.view.getUint32(this.pos + 4, true);
    this.pos += 8;
    const limit = Math.floor(Math.max(0, this.remaining) / Math.max(1, minItemBytes));
    const value = high * 2 ** 32 + low;
    if (high >= 2 ** 21 || value > limit) {
      this.fail(`${what} is larger than the remaining bytes could hold`, {
        offset: at,
        expected: `at most ${limit}`,
        got: ((BigInt(high) << 32n) | BigInt(low)).toString(),
      });
    }
    return value;
  }

  string(what: string): string {
    const length = this.count(`${what} length`, 1);
    this.need(length, what);
    const start = this.pos;
    this.pos += length;
    return decodeUtf8(this.bytes, start, length);
  }

  /** Steps over `length` bytes, failing when the file is too short. */
  skip(length: number, what: string): void {
    this.need(length, what);
    this.pos += length;
  }

  /** Copies `length` bytes so that typed-array views on them are aligned. */
  take(length: number, what: string): ArrayBuffer {
    this.need(length, what);
    const copy = new Uint8Array(length);
    copy.set(this.bytes.subarray(this.pos, this.pos + length));
    this.pos += length;
    return copy.buffer;
  }
}

function decodeUtf8(bytes: Uint8Array, start: number, length: number): string {
  if (length <= 16) {
    let ascii = '';
    for (let i = start; i < start + length; i++) {
      const byte = bytes[i] as number;
      if (byte >= 0x80) return decoder.decode(bytes.subarray(start, start + length));
      ascii += String.fromCharCode(byte);
    }
    return ascii;
  }
  return decoder.decode(bytes.subarray(start, start + length));
}
