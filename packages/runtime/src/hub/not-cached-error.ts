import { XError } from '@x/core';

/** Offline mode was asked for and the model is not in the cache. */
export class NotCachedError extends XError {
  static readonly code = 'X_NOT_CACHED';
  readonly reference: string;
  readonly cacheDir: string;

  constructor(reference: string, cacheDir: string) {
    super(
      NotCachedError.code,
      `${reference} is not in the cache ${cacheDir} and offline mode is on (unset X_OFFLINE / HF_HUB_OFFLINE to download it)`,
    );
    this.name = 'NotCachedError';
    this.reference = reference;
    this.cacheDir = cacheDir;
  }

  static override isInstance(value: unknown): value is NotCachedError {
    return XError.isInstance(value) && value.code === NotCachedError.code;
  }
}
