import { hasCode, XError } from '../errors/x-error.js';

/** A saved program state does not fit the program it is loaded into, or is not a state at all. */
export class ProgramStateError extends XError {
  static readonly code = 'X_PROGRAM_STATE';
  /** Where in the state the problem is ("predict.signature.fields[1]"), or the file path. */
  readonly where: string;

  constructor(where: string, message: string, options: { cause?: unknown } = {}) {
    super(ProgramStateError.code, `${where}: ${message}`, options);
    this.name = 'ProgramStateError';
    this.where = where;
  }

  static override isInstance(value: unknown): value is ProgramStateError {
    return hasCode(value, ProgramStateError.code);
  }
}
