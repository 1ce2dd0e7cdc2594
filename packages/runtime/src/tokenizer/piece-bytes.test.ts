import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readGGUF } from '../gguf/index.js';
import { byteLevelDecode } from './byte-level.js';
import { byteLevelPieceBytes, spmPieceBytes } from './piece-bytes.js';
import { vocabDir } from './testing/vocab-dir.js';
import { TokenType } from './token-type.js';
import { Vocab } from './vocab.js';

const encoder = new TextEncoder();
const BYTE_TOKEN = /^<0x([0-9A-Fa-f]{2})>$/;
const byteOf = (text: string) => {
  const match = BYTE_TOKEN.exec(text);
  return match === null ? undefined : Uint8Array.of(Number.parseInt(match[1]!, 16));
};

/** The plain twins: a regex for <0xNN>, TextEncoder, and byteLevelDecode's Map. */
function spmReference(vocab: Vocab, id: number, byteFallback: boolean): Uint8Array {
  const text = vocab.tokens[id]!;
  const type = vocab.type(id);
  const byte =
    type === TokenType.byte || (byteFallback && type === TokenType.normal) ? byteOf(text) : undefined;
  if (byte !== undefined) return byte;
  return encoder.encode(type === TokenType.normal ? text.replaceAll('\u2581', ' ') : text);
}

function byteLevelReference(vocab: Vocab, id: number): Uint8Array {
  const text = vocab.tokens[id]!;
  const type = vocab.type(id);
  const byte = type === TokenType.byte ? byteOf(text) : undefined;
  if (byte !== undefined) return byte;
  return (type === TokenType.normal ? byteLevelDecode(text) : undefined) ?? encoder.encode(text);
}

async function ggufVocab(file: string): Promise<Vocab> {
  const { metadata } = await readGGUF(path.join(vocabDir, file));
  return new Vocab(
    metadata['tokenizer.ggml.tokens'] as string[],
    metadata['tokenizer.ggml.token_type'] as number[],
  );
}

describe('piece bytes', () => {
  const crafted = new Vocab(
    [
      '<0x41>',
      '<0x4g>',
      '<0x0a>',
      '<0x411>',
      'x<0x41>',
      '\u2581hi\u2581',
      'é€𝄞',
      '\ud800',
      'Ġhello',
      'ĊĊ',
      'Ā',
      'ſ',
      '<0xFF>',
    ],
    [1, 1, 6, 6, 1, 1, 1, 1, 1, 1, 1, 1, 3],
  );

  it('match the plain twins on crafted tokens', () => {
    for (let id = 0; id < crafted.size; id++) {
      for (const fallback of [false, true])
        expect(spmPieceBytes(crafted, id, fallback)).toEqual(spmReference(crafted, id, fallback));
      expect(byteLevelPieceBytes(crafted, id)).toEqual(byteLevelReference(crafted, id));
    }
  });

  it.each(['ggml-vocab-llama-spm.gguf', 'ggml-vocab-phi-3.gguf'])(
    'match the plain twins on every token of %s',
    async (file) => {
      const vocab = await ggufVocab(file);
      for (let id = 0; id < vocab.size; id++) {
        for (const fallback of [false, true])
          expect(spmPieceBytes(vocab, id, fallback)).toEqual(spmReference(vocab, id, fallback));
      }
    },
  );

  it.each(['ggml-vocab-gpt-2.gguf', 'ggml-vocab-deepseek-llm.gguf'])(
    'match the plain twins on every token of %s',
    async (file) => {
      const vocab = await ggufVocab(file);
      for (let id = 0; id < vocab.size; id++)
        expect(byteLevelPieceBytes(vocab, id)).toEqual(byteLevelReference(vocab, id));
    },
  );
});
