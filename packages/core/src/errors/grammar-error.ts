import { hasCode, XError } from './x-error.js';

/** A grammar or JSON schema cannot be used for constrained decoding (unsupported keyword, bad shape). */
export class GrammarError extends XError {
  static readonly code = 'X_GRAMMAR';
  /** Where in the schema or grammar the problem is ("#/properties/age"), when known. */
  readonly path: string;

  constructor(message: string, fields: { path?: string; cause?: unknown } = {}) {
    super(GrammarError.code, fields.path ? `${message} (at ${fields.path})` : message, {
      cause: fields.cause,
    });
    this.name = 'GrammarError';
    this.path = fields.path ?? '';
  }

  static override isInstance(value: unknown): value is GrammarError {
    return hasCode(value, GrammarError.code);
  }
}
