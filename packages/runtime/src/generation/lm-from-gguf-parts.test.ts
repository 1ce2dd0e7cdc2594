import { describe, expect, it } from 'vitest';
import { createLocalLM } from './create-local-lm.js';
import { lmFromGGUFParts } from './lm-from-gguf-parts.js';
import { FakeEngine } from './testing/fake-engine.js';
import { FakeTokenizer } from './testing/fake-tokenizer.js';

const parts = () => {
  const tokenizer = new FakeTokenizer();
  return { tokenizer, engine: new FakeEngine({ vocabSize: tokenizer.vocabSize, contextLength: 64 }) };
};

describe('lmFromGGUFParts', () => {
  it("uses the GGUF's tokenizer.chat_template", async () => {
    const lm = lmFromGGUFParts({
      ...parts(),
      metadata: {
        'general.architecture': 'llama',
        'tokenizer.chat_template': '{% for m in messages %}{{ m.content }}.{% endfor %}',
      },
    });
    expect(lm.chatTemplate.name).toBe('model');
    expect(lm.chatTemplate.render([{ role: 'user', content: 'ab' }])).toBe('ab.');
    expect((await lm.generate([{ role: 'user', content: 'ab' }], { maxTokens: 1 })).tokenIds).toEqual([30]);
    expect(lm.contextLength).toBe(64);
    expect(lm.id).toBe('fake:fake');
  });

  it('falls back by vocabulary, and lets the caller override', () => {
    expect(lmFromGGUFParts({ ...parts(), metadata: {} }).chatTemplate.name).toBe('fallback:chatml');
    const overridden = lmFromGGUFParts({
      ...parts(),
      metadata: { 'tokenizer.chat_template': 'x' },
      chatTemplate: 'llama3',
      id: 'mine',
    });
    expect(overridden.chatTemplate.name).toBe('llama3');
    expect(overridden.id).toBe('mine');
  });
});

describe('createLocalLM', () => {
  it('builds a working LM', async () => {
    const lm = createLocalLM({ ...parts(), chatTemplate: 'plain' });
    expect((await lm.generate([{ role: 'user', content: 'abc' }], { maxTokens: 2 })).text).toBe('de');
  });
});
