import { XError } from '@x/core';

/** Downloaded bytes whose hash differs from the hub's metadata; the partial file is deleted. */
export class ChecksumError extends XError {
  static readonly code = 'X_CHECKSUM';
  readonly url: string;
  readonly algorithm: 'sha256' | 'git-sha1';
  readonly expected: string;
  readonly got: string;

  constructor(fields: { url: string; algorithm: 'sha256' | 'git-sha1'; expected: string; got: string }) {
    super(
      ChecksumError.code,
      `${fields.url}: ${fields.algorithm} mismatch (expected ${fields.expected}, got ${fields.got})`,
    );
    this.name = 'ChecksumError';
    this.url = fields.url;
    this.algorithm = fields.algorithm;
    this.expected = fields.expected;
    this.got = fields.got;
  }

  static override isInstance(value: unknown): value is ChecksumError {
    return XError.isInstance(value) && value.code === ChecksumError.code;
  }
}
