import { rmSync } from 'node:fs';

/** Removes a directory made by makeTempDir and everything in it. */
export function removeTempDir(directory: string): void {
  rmSync(directory, { recursive: true, force: true });
}
