import { hasCode, XError } from '../errors/x-error.js';

/** A signature string or field declaration is malformed. `text` is the offending part, as given. */
export class SignatureError extends XError {
  static readonly code = 'X_SIGNATURE';
  readonly text: string;

  constructor(message: string, fields: { text: string; cause?: unknown }) {
    super(SignatureError.code, `${message}: ${JSON.stringify(fields.text)}`, { cause: fields.cause });
    this.name = 'SignatureError';
    this.text = fields.text;
  }

  static override isInstance(value: unknown): value is SignatureError {
    return hasCode(value, SignatureError.code);
  }
}
