import type { Message } from '@x/core';
import { parseChatTemplate, type RenderOptions, renderChatTemplate } from './render-chat-template.js';

/** A model's prompt format: turns messages into the exact text the model was trained on. */
export interface ChatTemplate {
  /** 'model' for the model's own template, a fallback's name, or 'custom'. */
  readonly name: string;
  /** The Jinja source. */
  readonly source: string;
  render(messages: Message[], options?: { addGenerationPrompt?: boolean }): string;
}

export interface ChatTemplateOptions extends Omit<RenderOptions, 'addGenerationPrompt'> {
  name?: string;
}

/** A ChatTemplate over Jinja source, parsed once, with the model's BOS/EOS text bound. */
export function createChatTemplate(source: string, options: ChatTemplateOptions = {}): ChatTemplate {
  const parsed = parseChatTemplate(source);
  const { name = 'custom', ...renderOptions } = options;
  return {
    name,
    source,
    render: (messages, { addGenerationPrompt = true } = {}) =>
      renderChatTemplate(parsed, messages, { ...renderOptions, addGenerationPrompt }),
  };
}
