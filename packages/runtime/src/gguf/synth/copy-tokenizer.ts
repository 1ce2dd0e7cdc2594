import { ModelFormatError } from '@x/core';
import { readGGUF } from '../read-gguf.js';
import { type GGUFMetadataInput, inferGGUFType } from '../write-gguf-value.js';

/** Every `tokenizer.*` key of a GGUF, with its stored type, and the size of its token list. */
export async function copyTokenizer(path: string): Promise<{ metadata: GGUFMetadataInput; vocab: number }> {
  const file = await readGGUF(path);
  const metadata: GGUFMetadataInput = {};
  for (const [key, value] of Object.entries(file.metadata)) {
    if (!key.startsWith('tokenizer.')) continue;
    metadata[key] = { ...(file.metadataTypes?.[key] ?? inferGGUFType(value)), value };
  }
  const tokens = file.metadata['tokenizer.ggml.tokens'];
  if (!Array.isArray(tokens) || tokens.length === 0) {
    throw new ModelFormatError('the tokenizer GGUF has no token list', {
      path,
      expected: 'tokenizer.ggml.tokens',
      got: tokens === undefined ? 'missing' : typeof tokens,
    });
  }
  return { metadata, vocab: tokens.length };
}
