import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ModelFormatError, UnsupportedError } from '@x/core';
import { describe, expect, it } from 'vitest';
import { sharedModelsDir } from '../gguf/shared-models-dir.js';
import { createChatTemplate } from './chat-template.js';
import { FALLBACK_TEMPLATES } from './fallback-templates.js';

const tokenizersDir = path.join(sharedModelsDir, 'tokenizers');

function configTemplate(folder: string): string {
  const config = JSON.parse(readFileSync(path.join(tokenizersDir, folder, 'tokenizer_config.json'), 'utf8'));
  return config.chat_template as string;
}

// HuggingFaceTB/SmolLM2-135M-Instruct tokenizer_config.json chat_template.
const smollm2 =
  "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}" +
  "{{ '<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n' }}" +
  "{% endif %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}";

describe('real model templates', () => {
  it('SmolLM2 adds its default system prompt', () => {
    expect(createChatTemplate(smollm2).render([{ role: 'user', content: 'Hello' }])).toBe(
      '<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n' +
        '<|im_start|>user\nHello<|im_end|>\n<|im_start|>assistant\n',
    );
    expect(
      createChatTemplate(smollm2).render([
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hello' },
      ]),
    ).toBe(
      '<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHello<|im_end|>\n<|im_start|>assistant\n',
    );
  });

  it('Qwen2-Instruct (tokenizer_config.json) matches ChatML with its default system message', () => {
    const qwen = createChatTemplate(configTemplate('qwen2-bpe'));
    expect(qwen.render([{ role: 'user', content: 'Hi!' }])).toBe(
      '<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\nHi!<|im_end|>\n<|im_start|>assistant\n',
    );
    const conversation = [
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: 'Hi!' },
    ] as const;
    expect(qwen.render([...conversation])).toBe(
      createChatTemplate(FALLBACK_TEMPLATES.chatml).render([...conversation]),
    );
  });

  it('Phi-3-vision (tokenizer_config.json) renders like the phi3 fallback', () => {
    const phi = createChatTemplate(configTemplate('phi-3-vision'));
    const messages = [
      { role: 'system' as const, content: 'S' },
      { role: 'user' as const, content: 'U' },
    ];
    expect(phi.render(messages)).toBe('<|system|>\nS<|end|>\n<|user|>\nU<|end|>\n<|assistant|>\n');
  });

  it('gives typed errors for a broken template and for a template that raises', () => {
    expect(() => createChatTemplate('{% for x in %}')).toThrow(ModelFormatError);
    const strict = createChatTemplate(FALLBACK_TEMPLATES.llama2);
    expect(() =>
      strict.render([
        { role: 'user', content: 'a' },
        { role: 'user', content: 'b' },
      ]),
    ).toThrow(UnsupportedError);
  });
});
