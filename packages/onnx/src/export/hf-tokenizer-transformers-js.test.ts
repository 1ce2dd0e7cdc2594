import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { AutoTokenizer, env } from '@huggingface/transformers';
import { createTokenizerFromGGUFMetadata, readGGUF } from '@x/runtime';
import { sharedModelsDir } from '@x/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hfTokenizerFiles } from './hf-tokenizer-files.js';

const TEXTS = ['Once upon a time, there was a little girl.', 'Hello World! 123 ünïcödé 🦙', 'a\n\nb  c'];

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'x-onnx-tjs-tokenizer-'));
  env.allowRemoteModels = false;
  env.localModelPath = dir;
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('generated tokenizer.json in transformers.js', () => {
  for (const file of ['llama-2-tiny-random.gguf', 'llama.cpp-vocab/ggml-vocab-gpt-2.gguf']) {
    it(`${file}: transformers.js encodes as our GGUF tokenizer does`, async () => {
      const gguf = path.join(sharedModelsDir, file);
      const { metadata } = await readGGUF(gguf);
      const ours = createTokenizerFromGGUFMetadata(metadata, gguf);
      const { tokenizer, tokenizerConfig } = hfTokenizerFiles(metadata, 2048);
      const name = path.basename(file, '.gguf');
      await mkdir(path.join(dir, name));
      await writeFile(path.join(dir, name, 'tokenizer.json'), JSON.stringify(tokenizer));
      await writeFile(path.join(dir, name, 'tokenizer_config.json'), JSON.stringify(tokenizerConfig));
      const theirs = await AutoTokenizer.from_pretrained(name);
      for (const text of TEXTS) {
        const ids = ours.encode(text);
        expect(Array.from(theirs.encode(text))).toEqual(ids);
        // HF's Strip decoder drops the SentencePiece space once BOS is skipped; ours keeps it
        expect(theirs.decode(ids, { skip_special_tokens: true })).toBe(
          ours.decode(ids, { skipSpecial: true }).trimStart(),
        );
      }
    });
  }
});
