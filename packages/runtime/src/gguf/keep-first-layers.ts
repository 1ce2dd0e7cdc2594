import { ModelFormatError } from '@x/core';
import { type GGUFFile, readGGUF } from './read-gguf.js';
import { readTensor } from './tensor-data.js';
import { writeGGUF } from './write-gguf.js';
import type { GGUFMetadataInput } from './write-gguf-value.js';

/**
 * Copies the GGUF at `source` to `target` with only its first `layers` transformer blocks (the
 * `blk.N.*` tensors past them dropped, `<arch>.block_count` lowered): a smaller model with the very
 * same vocabulary, embeddings and output head, as a draft model for speculative decoding.
 */
export async function keepFirstLayers(source: string, target: string, layers: number): Promise<void> {
  const file: GGUFFile = await readGGUF(source);
  const arch = file.metadata['general.architecture'];
  const countKey = `${String(arch)}.block_count`;
  const count = file.metadata[countKey];
  if (typeof count !== 'number')
    throw new ModelFormatError('the model names no block count', { path: source, expected: countKey });
  if (!Number.isInteger(layers) || layers < 1 || layers > count)
    throw new RangeError(`layers must be an integer in 1..${count}, got ${layers}`);
  const metadata: GGUFMetadataInput = {};
  for (const [key, value] of Object.entries(file.metadata)) {
    if (key === 'general.alignment') continue;
    const stored = file.metadataTypes?.[key];
    const kept = key === countKey ? layers : value;
    metadata[key] = stored === undefined ? kept : { ...stored, value: kept };
  }
  const tensors = [];
  for (const info of file.tensors) {
    const block = /^blk\.(\d+)\./.exec(info.name);
    if (block !== null && Number(block[1]) >= layers) continue;
    tensors.push({ name: info.name, shape: info.shape, type: info.type, data: await readTensor(file, info) });
  }
  await writeGGUF(target, { metadata, tensors, alignment: file.alignment });
}
