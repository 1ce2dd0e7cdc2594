import { XError } from '@x/core';

/** An `hf:` model reference that does not name a repository or file, or that would leave the cache. */
export class HubReferenceError extends XError {
  static readonly code = 'X_HUB_REFERENCE';
  readonly reference: string;

  constructor(reference: string, reason: string) {
    super(HubReferenceError.code, `invalid model reference "${reference}": ${reason}`);
    this.name = 'HubReferenceError';
    this.reference = reference;
  }

  static override isInstance(value: unknown): value is HubReferenceError {
    return XError.isInstance(value) && value.code === HubReferenceError.code;
  }
}
