import path from 'node:path';
import { ChatAdapter } from '@x/core';
import { describe, expect, it } from 'vitest';
import { SIGNATURE_CORPUS } from '../constrain/testing/signature-corpus.js';
import { sharedModelsDir } from '../gguf/shared-models-dir.js';
import { loadLM } from '../reference/load-lm.js';
import { ReferenceEngine } from '../reference/reference-engine.js';
import { randomModel, TINY_SHAPE } from '../reference/testing/random-model.js';
import { toReferenceModel } from '../reference/testing/random-reference-model.js';
import { loadTokenizer } from '../tokenizer/load-tokenizer.js';
import { vocabDir } from '../tokenizer/testing/vocab-dir.js';
import { LocalLM } from './local-lm.js';
import type { SchedulerOptions } from './scheduler.js';
import { expectPreemptedSame } from './testing/expect-preempted-same.js';

const storiesPath = path.join(sharedModelsDir, 'stories260K.gguf');
const prompts = ['Once upon a time', 'The cat sat', 'Lily and Ben went', 'One day, a little', 'Tom had a'];

async function stories(options: SchedulerOptions) {
  return loadLM(storiesPath, { contextLength: 128, prefillChunkSize: 8, ...options });
}

describe('preemption by recompute on the reference engine (stories260K)', () => {
  it('gives the greedy and the seeded tokens of a run without a budget', async () => {
    const free = await stories({ prefixCacheSize: 0 });
    const perToken = free.engine.info.kvBytesPerToken!;
    // a request ends holding at most ~8 prompt + 32 tokens: 56 fit one, part of a second
    const tight = await stories({ kvMemoryBytes: 56 * perToken });
    try {
      const greedy = await expectPreemptedSame(tight, free, prompts, () => ({ maxTokens: 32 }));
      const seeded = await expectPreemptedSame(tight, free, prompts, (i) => ({
        maxTokens: 32,
        temperature: 0.9,
        seed: i,
      }));
      expect(seeded.preemptions).toBeGreaterThan(greedy.preemptions);
    } finally {
      await tight.dispose();
      await free.dispose();
    }
  }, 120_000);
});

describe('preemption with constrained decoding (random-weight llama, reference engine)', () => {
  it('continues the grammar where it stopped: same seeded tokens as without a budget', async () => {
    const tokenizer = await loadTokenizer(path.join(vocabDir, 'ggml-vocab-llama-spm.gguf'));
    const shape = {
      ...TINY_SHAPE,
      vocabSize: tokenizer.vocabSize,
      embeddingLength: 32,
      feedForwardLength: 48,
      contextLength: 2048,
    };
    const model = toReferenceModel(randomModel('llama', { shape, seed: 5, std: 0.5 }));
    const make = (kvMemoryBytes?: number) =>
      new LocalLM({ engine: new ReferenceEngine(model), tokenizer, chatTemplate: 'chatml', kvMemoryBytes });
    const { signature } = SIGNATURE_CORPUS[1]!;
    const inputs = { question: 'hi' };
    const free = make();
    const adapter = new ChatAdapter({ fallbackToJSON: false });
    const promptTokens = await free.countTokens(adapter.format(signature, [], inputs));
    // two prompts and 24 sampled tokens: two requests start together, and one gives way
    const tight = make((2 * promptTokens + 24) * free.engine.info.kvBytesPerToken!);
    try {
      const ask = (lm: LocalLM) =>
        Promise.all(
          [0, 1, 2].map((seed) =>
            adapter.call(lm, signature, [], inputs, {
              maxTokens: 48,
              temperature: 1,
              seed,
            }),
          ),
        );
      const [squeezed, roomy] = [await ask(tight), await ask(free)];
      expect(squeezed.map((o) => o.result.tokenIds)).toEqual(roomy.map((o) => o.result.tokenIds));
      expect(squeezed.map((o) => o.values)).toEqual(roomy.map((o) => o.values));
      expect(tight.stats().preemptions).toBeGreaterThan(0);
    } finally {
      await tight.dispose();
      await free.dispose();
    }
  }, 300_000);
});
