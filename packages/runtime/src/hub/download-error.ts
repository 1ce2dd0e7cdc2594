import { XError } from '@x/core';

/** A hub request failed: an HTTP error status, a dropped connection or a short body. */
export class DownloadError extends XError {
  static readonly code = 'X_DOWNLOAD';
  readonly url: string;
  /** The HTTP status, when the server answered. */
  readonly status: number | undefined;

  constructor(url: string, reason: string, fields: { status?: number; cause?: unknown } = {}) {
    super(DownloadError.code, `download of ${url} failed: ${reason}`, { cause: fields.cause });
    this.name = 'DownloadError';
    this.url = url;
    this.status = fields.status;
  }

  static override isInstance(value: unknown): value is DownloadError {
    return XError.isInstance(value) && value.code === DownloadError.code;
  }
}
