import { hasCode, XError } from './x-error.js';

/** The LM's text could not be turned into the signature's output fields. */
export class AdapterParseError extends XError {
  static readonly code = 'X_ADAPTER_PARSE';
  readonly adapter: string;
  readonly rawText: string;
  readonly expectedFields: string[];
  /** The fields that did parse, already coerced to their types. */
  readonly partial: Record<string, unknown>;

  constructor(fields: {
    adapter: string;
    rawText: string;
    expectedFields: string[];
    partial: Record<string, unknown>;
    reason: string;
    cause?: unknown;
  }) {
    super(AdapterParseError.code, `${fields.adapter} could not parse the LM response: ${fields.reason}`, {
      cause: fields.cause,
    });
    this.name = 'AdapterParseError';
    this.adapter = fields.adapter;
    this.rawText = fields.rawText;
    this.expectedFields = fields.expectedFields;
    this.partial = fields.partial;
  }

  get parsedFields(): string[] {
    return Object.keys(this.partial);
  }

  static override isInstance(value: unknown): value is AdapterParseError {
    return hasCode(value, AdapterParseError.code);
  }
}
