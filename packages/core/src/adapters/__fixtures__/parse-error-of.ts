import { AdapterParseError } from '../../errors/adapter-parse-error.js';

/** The AdapterParseError `run` throws; any other outcome fails the test. */
export function parseErrorOf(run: () => unknown): AdapterParseError {
  try {
    run();
  } catch (error) {
    if (AdapterParseError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected an AdapterParseError');
}
