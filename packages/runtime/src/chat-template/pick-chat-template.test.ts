import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedModelsDir } from '../gguf/shared-models-dir.js';
import { createChatTemplate } from './chat-template.js';
import { detectFallbackTemplate } from './detect-fallback-template.js';
import { pickChatTemplate } from './pick-chat-template.js';

const tokenizersDir = path.join(sharedModelsDir, 'tokenizers');

const vocabulary = (...tokens: string[]) => {
  const set = new Set(tokens);
  return (text: string) => set.has(text);
};

function tokenizerJsonVocabulary(file: string): (text: string) => boolean {
  const json = JSON.parse(readFileSync(path.join(tokenizersDir, file), 'utf8'));
  const set = new Set<string>([
    ...Object.keys(json.model.vocab),
    ...json.added_tokens.map((t: { content: string }) => t.content),
  ]);
  return (text) => set.has(text);
}

describe('detectFallbackTemplate', () => {
  it('reads the chat tokens of the vocabulary', () => {
    expect(detectFallbackTemplate({ hasToken: vocabulary('<|begin_of_text|>', '<|start_header_id|>') })).toBe(
      'llama3',
    );
    expect(detectFallbackTemplate({ hasToken: vocabulary('<|im_start|>', '<|im_end|>') })).toBe('chatml');
    expect(detectFallbackTemplate({ hasToken: vocabulary('<|user|>', '<|end|>') })).toBe('phi3');
    expect(detectFallbackTemplate({ hasToken: vocabulary('<bos>', '<start_of_turn>') })).toBe('gemma');
    expect(detectFallbackTemplate({ hasToken: vocabulary('[INST]', '[/INST]') })).toBe('llama2');
  });

  it('uses the architecture and vocabulary size when there are no chat tokens', () => {
    const spm = vocabulary('<unk>', '<s>', '</s>');
    expect(
      detectFallbackTemplate({
        architecture: 'llama',
        tokenizerKind: 'spm',
        vocabSize: 32000,
        hasToken: spm,
      }),
    ).toBe('llama2');
    // stories260K: llama, SPM, 512 tokens, no chat tokens
    expect(
      detectFallbackTemplate({ architecture: 'llama', tokenizerKind: 'spm', vocabSize: 512, hasToken: spm }),
    ).toBe('plain');
    expect(detectFallbackTemplate({ architecture: 'gemma2', hasToken: spm })).toBe('gemma');
    expect(
      detectFallbackTemplate({ architecture: 'gpt2', tokenizerKind: 'bpe', vocabSize: 50257, hasToken: spm }),
    ).toBe('plain');
  });

  it('recognizes real vocabularies', () => {
    expect(
      detectFallbackTemplate({ hasToken: tokenizerJsonVocabulary('smollm2-135m-instruct/tokenizer.json') }),
    ).toBe('chatml');
    expect(detectFallbackTemplate({ hasToken: tokenizerJsonVocabulary('phi-3-vision/tokenizer.json') })).toBe(
      'phi3',
    );
  });
});

describe('pickChatTemplate', () => {
  const hasToken = vocabulary('<|im_start|>');
  const user = [{ role: 'user' as const, content: 'Hi' }];

  it('prefers the override, then the model template, then the fallback', () => {
    const custom = createChatTemplate('{{ messages[0].content }}!', { name: 'mine' });
    expect(pickChatTemplate({ hasToken, override: custom, modelTemplate: 'x' }).name).toBe('mine');
    expect(pickChatTemplate({ hasToken, override: 'llama3', bosToken: '<B>' }).render(user)).toBe(
      '<B><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n',
    );
    expect(pickChatTemplate({ hasToken, override: '[{{ messages[0].content }}]' }).render(user)).toBe('[Hi]');
    const model = pickChatTemplate({
      hasToken,
      modelTemplate: '<{{ bos_token }}{{ messages[0].content }}>',
      bosToken: 'B',
    });
    expect(model.name).toBe('model');
    expect(model.render(user)).toBe('<BHi>');
    const fallback = pickChatTemplate({ hasToken });
    expect(fallback.name).toBe('fallback:chatml');
    expect(fallback.render(user)).toBe('<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n');
  });

  it('falls back when the model template does not parse', () => {
    expect(pickChatTemplate({ hasToken, modelTemplate: '{% if %}' }).name).toBe('fallback:chatml');
  });
});
