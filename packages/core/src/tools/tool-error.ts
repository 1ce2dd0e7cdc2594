import { hasCode, XError } from '../errors/x-error.js';

/** A tool was called with arguments its schema rejects, or under a name no tool has. */
export class ToolError extends XError {
  static readonly code = 'X_TOOL';
  readonly toolName: string;

  constructor(fields: { toolName: string; message: string; cause?: unknown }) {
    super(ToolError.code, fields.message, { cause: fields.cause });
    this.name = 'ToolError';
    this.toolName = fields.toolName;
  }

  static override isInstance(value: unknown): value is ToolError {
    return hasCode(value, ToolError.code);
  }
}
