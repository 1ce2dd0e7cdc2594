import { XError } from '@x/core';

/** Benchmark results that cannot be plotted: a malformed results file, a value that is not a number. */
export class BenchDataError extends XError {
  static readonly code = 'X_BENCH_DATA';
  /** The results file, when the bad data came from one. */
  readonly file: string | undefined;

  constructor(message: string, options: { file?: string; cause?: unknown } = {}) {
    super(BenchDataError.code, options.file ? `${options.file}: ${message}` : message, options);
    this.name = 'BenchDataError';
    this.file = options.file;
  }

  static override isInstance(value: unknown): value is BenchDataError {
    return XError.isInstance(value) && value.code === BenchDataError.code;
  }
}
