import type { Module } from '../modules/module.js';
import { dumpState, loadState } from './program-state.js';
import { ProgramStateError } from './program-state-error.js';

type Program = Pick<Module, 'namedPredictors'>;

/** Written under `metadata`; DSPy reads `dependency_versions` (empty: nothing to compare) and ignores the rest. */
const metadata = { dependency_versions: {}, x_state_format: 1 };

/**
 * Saves the program's state as DSPy's `save(path)` does for a `.json` path: `dumpState` plus
 * `metadata`, indented by 2 with a final newline (orjson OPT_INDENT_2 | OPT_APPEND_NEWLINE). Node only.
 */
export async function saveProgram(program: Program, path: string): Promise<void> {
  requireJsonPath(path);
  const { writeFile } = await import('node:fs/promises');
  await writeFile(path, stateFileText(program), 'utf8');
}

/** The text `saveProgram` writes. */
export function stateFileText(program: Program): string {
  return `${JSON.stringify({ ...dumpState(program), metadata }, null, 2)}\n`;
}

/** Loads a state file written by `saveProgram` or by DSPy's `save` into `program` (see `loadState`). */
export async function loadProgram(program: Program, path: string): Promise<{ notes: string[] }> {
  requireJsonPath(path);
  const { readFile } = await import('node:fs/promises');
  let state: unknown;
  try {
    state = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new ProgramStateError(path, 'not a readable JSON file', { cause: error });
  }
  return loadState(program, state);
}

function requireJsonPath(path: string): void {
  if (!path.endsWith('.json')) {
    // DSPy also accepts .pkl (cloudpickle), which cannot exist here.
    throw new ProgramStateError(path, 'a program state path must end with .json');
  }
}
