import path from 'node:path';
import { GGMLType, GGUFValueType } from '../../gguf/index.js';
import { quantize } from '../../gguf/quantize.js';
import { writeGGUF } from '../../gguf/write-gguf.js';
import type { GGUFMetadataInput } from '../../gguf/write-gguf-value.js';
import { type RandomModelOptions, randomModel } from './random-model.js';

let written = 0;
const FLOAT_KEY =
  /(epsilon|freq_base|softcapping|scaling\.factor|scale_linear|attn_factor|yarn_beta_fast|yarn_beta_slow|yarn_ext_factor)$/;

/**
 * Writes a random model of `architecture` into `directory` as a GGUF that llama.cpp can load: model metadata plus a
 * SentencePiece-style vocabulary (3 specials, 256 byte tokens, chat specials, filler pieces) the size of
 * the embedding. Matrices are stored as `weightType` (norms and biases stay F32, as llama.cpp quantizes).
 */
export async function writeSyntheticModel(
  directory: string,
  architecture: string,
  options: RandomModelOptions & { weightType?: GGMLType } = {},
): Promise<string> {
  const model = randomModel(architecture, options);
  const metadata: GGUFMetadataInput = {};
  for (const [key, value] of Object.entries(model.metadata)) {
    metadata[key] = FLOAT_KEY.test(key) ? { type: GGUFValueType.FLOAT32, value } : value;
  }
  const vocab = model.tensors.get('token_embd.weight')!.shape[1]!;
  const tokens = ['<unk>', '<s>', '</s>'];
  const types = [2, 3, 3];
  for (let byte = 0; byte < 256; byte++) {
    tokens.push(`<0x${byte.toString(16).toUpperCase().padStart(2, '0')}>`);
    types.push(6);
  }
  // llama.cpp looks these up by text when it loads phi3 and gemma vocabularies.
  for (const special of ['<|end|>', '<|endoftext|>', '<start_of_turn>', '<end_of_turn>']) {
    tokens.push(special);
    types.push(3);
  }
  while (tokens.length < vocab) {
    tokens.push(`▁w${tokens.length}`);
    types.push(1);
  }
  const array = (elementType: GGUFValueType, value: number[]) => ({
    type: GGUFValueType.ARRAY,
    elementType,
    value,
  });
  Object.assign(metadata, {
    'tokenizer.ggml.model': 'llama',
    'tokenizer.ggml.tokens': tokens,
    'tokenizer.ggml.scores': array(
      GGUFValueType.FLOAT32,
      tokens.map((_, i) => -i),
    ),
    'tokenizer.ggml.token_type': array(GGUFValueType.INT32, types),
    'tokenizer.ggml.unknown_token_id': 0,
    'tokenizer.ggml.bos_token_id': 1,
    'tokenizer.ggml.eos_token_id': 2,
  });
  const weightType = options.weightType ?? GGMLType.F32;
  const tensors = [...model.tensors].map(([name, tensor]) => {
    const type = tensor.shape.length === 2 ? weightType : GGMLType.F32;
    return { name, shape: [...tensor.shape], type, data: quantize(type, tensor.data) };
  });
  const file = path.join(directory, `${architecture}-${++written}.gguf`);
  await writeGGUF(file, { metadata, tensors });
  return file;
}
