import { stat } from 'node:fs/promises';
import { ModelFormatError } from '@x/core';
import { startsWithGGUFMagic } from './starts-with-gguf-magic.js';

/**
 * Whether `location` is a regular file that starts with the GGUF magic (a folder or another format:
 * false). A path that does not exist: ModelFormatError naming it.
 */
export async function isGGUFFile(location: string): Promise<boolean> {
  const info = await stat(location).catch((error: unknown) => {
    throw new ModelFormatError('model path does not exist', { path: location, cause: error });
  });
  return info.isFile() && (await startsWithGGUFMagic(location));
}
