import type { Message } from '@x/core';
import { describe, expect, it } from 'vitest';
import { createChatTemplate } from './chat-template.js';
import { FALLBACK_TEMPLATES } from './fallback-templates.js';

const conversation: Message[] = [
  { role: 'system', content: 'You are terse.' },
  { role: 'user', content: 'Hi!' },
  { role: 'assistant', content: 'Hello.' },
  { role: 'user', content: '2+2?' },
];

describe('fallback templates render the exact prompt text', () => {
  it('chatml', () => {
    expect(createChatTemplate(FALLBACK_TEMPLATES.chatml).render(conversation)).toBe(
      '<|im_start|>system\nYou are terse.<|im_end|>\n<|im_start|>user\nHi!<|im_end|>\n' +
        '<|im_start|>assistant\nHello.<|im_end|>\n<|im_start|>user\n2+2?<|im_end|>\n<|im_start|>assistant\n',
    );
  });

  it('llama2', () => {
    const template = createChatTemplate(FALLBACK_TEMPLATES.llama2, { bosToken: '<s>', eosToken: '</s>' });
    expect(template.render(conversation)).toBe(
      '<s>[INST] <<SYS>>\nYou are terse.\n<</SYS>>\n\nHi! [/INST] Hello. </s><s>[INST] 2+2? [/INST]',
    );
    expect(template.render([{ role: 'user', content: ' Hi ' }])).toBe('<s>[INST] Hi [/INST]');
  });

  it('llama3', () => {
    const template = createChatTemplate(FALLBACK_TEMPLATES.llama3, { bosToken: '<|begin_of_text|>' });
    expect(template.render(conversation)).toBe(
      '<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nYou are terse.<|eot_id|>' +
        '<|start_header_id|>user<|end_header_id|>\n\nHi!<|eot_id|>' +
        '<|start_header_id|>assistant<|end_header_id|>\n\nHello.<|eot_id|>' +
        '<|start_header_id|>user<|end_header_id|>\n\n2+2?<|eot_id|>' +
        '<|start_header_id|>assistant<|end_header_id|>\n\n',
    );
  });

  it('phi3', () => {
    expect(createChatTemplate(FALLBACK_TEMPLATES.phi3).render(conversation)).toBe(
      '<|system|>\nYou are terse.<|end|>\n<|user|>\nHi!<|end|>\n<|assistant|>\nHello.<|end|>\n' +
        '<|user|>\n2+2?<|end|>\n<|assistant|>\n',
    );
  });

  it('gemma folds the system message into the first user turn', () => {
    const template = createChatTemplate(FALLBACK_TEMPLATES.gemma, { bosToken: '<bos>' });
    expect(template.render(conversation)).toBe(
      '<bos><start_of_turn>user\nYou are terse.\n\nHi!<end_of_turn>\n<start_of_turn>model\nHello.<end_of_turn>\n' +
        '<start_of_turn>user\n2+2?<end_of_turn>\n<start_of_turn>model\n',
    );
    expect(template.render([{ role: 'user', content: 'Hi!' }])).toBe(
      '<bos><start_of_turn>user\nHi!<end_of_turn>\n<start_of_turn>model\n',
    );
  });

  it('plain joins contents for base models', () => {
    expect(createChatTemplate(FALLBACK_TEMPLATES.plain).render(conversation)).toBe(
      'You are terse.\n\nHi!\n\nHello.\n\n2+2?',
    );
    expect(
      createChatTemplate(FALLBACK_TEMPLATES.plain).render([{ role: 'user', content: 'Once upon' }]),
    ).toBe('Once upon');
  });

  it('leaves the generation prompt out on request', () => {
    expect(
      createChatTemplate(FALLBACK_TEMPLATES.chatml).render([{ role: 'user', content: 'Hi' }], {
        addGenerationPrompt: false,
      }),
    ).toBe('<|im_start|>user\nHi<|im_end|>\n');
  });
});
