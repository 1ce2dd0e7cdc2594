import { describe, expect, it } from 'vitest';
import { createLocalLM } from './create-local-lm.js';
import { FakeEngine } from './testing/fake-engine.js';
import { FakeTokenizer } from './testing/fake-tokenizer.js';

describe('createLocalLM', () => {
  it('builds a working LM', async () => {
    const tokenizer = new FakeTokenizer();
    const engine = new FakeEngine({ vocabSize: tokenizer.vocabSize, contextLength: 64 });
    const lm = createLocalLM({ tokenizer, engine, chatTemplate: 'plain' });
    expect((await lm.generate([{ role: 'user', content: 'abc' }], { maxTokens: 2 })).text).toBe('de');
  });
});
