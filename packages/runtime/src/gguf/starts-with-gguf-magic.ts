import { open } from 'node:fs/promises';

/** Whether the file at `file` starts with the GGUF magic; a file shorter than the magic does not. */
export async function startsWithGGUFMagic(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const magic = new Uint8Array(4);
    await handle.read(magic, 0, 4, 0);
    return Buffer.from(magic).toString('latin1') === 'GGUF';
  } finally {
    await handle.close();
  }
}
