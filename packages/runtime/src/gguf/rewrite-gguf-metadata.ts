import { type GGUFFile, readGGUF } from './read-gguf.js';
import { readTensor } from './tensor-data.js';
import { writeGGUF } from './write-gguf.js';
import type { GGUFMetadataInput } from './write-gguf-value.js';

/**
 * Copies the GGUF at `source` to `target` with metadata keys replaced (an `undefined` value removes
 * the key); the tensors are copied byte for byte and the stored types of untouched keys are kept.
 */
export async function rewriteGGUFMetadata(
  source: string,
  target: string,
  edits: Record<string, GGUFMetadataInput[string] | undefined>,
): Promise<void> {
  const file: GGUFFile = await readGGUF(source);
  const metadata: GGUFMetadataInput = {};
  for (const [key, value] of Object.entries(file.metadata)) {
    if (key === 'general.alignment') continue;
    const stored = file.metadataTypes?.[key];
    metadata[key] = stored === undefined ? value : { ...stored, value };
  }
  for (const [key, value] of Object.entries(edits)) {
    if (value === undefined) delete metadata[key];
    else metadata[key] = value;
  }
  const tensors = [];
  for (const info of file.tensors)
    tensors.push({ name: info.name, shape: info.shape, type: info.type, data: await readTensor(file, info) });
  await writeGGUF(target, { metadata, tensors, alignment: file.alignment });
}
