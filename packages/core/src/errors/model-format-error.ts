import { hasCode, XError } from './x-error.js';

/** A model or tokenizer file is malformed, truncated or of a kind we do not support. */
export class ModelFormatError extends XError {
  static readonly code = 'X_MODEL_FORMAT';
  readonly path: string | undefined;
  readonly offset: number | undefined;
  readonly expected: string | undefined;
  readonly got: string | undefined;

  constructor(
    message: string,
    fields: { path?: string; offset?: number; expected?: string; got?: string; cause?: unknown } = {},
  ) {
    const where = [fields.path, fields.offset === undefined ? undefined : `offset ${fields.offset}`]
      .filter(Boolean)
      .join(' at ');
    const detail =
      fields.expected !== undefined || fields.got !== undefined
        ? ` (expected ${fields.expected ?? '?'}, got ${fields.got ?? '?'})`
        : '';
    super(ModelFormatError.code, `${where ? `${where}: ` : ''}${message}${detail}`, { cause: fields.cause });
    this.name = 'ModelFormatError';
    this.path = fields.path;
    this.offset = fields.offset;
    this.expected = fields.expected;
    this.got = fields.got;
  }

  static override isInstance(value: unknown): value is ModelFormatError {
    return hasCode(value, ModelFormatError.code);
  }
}
