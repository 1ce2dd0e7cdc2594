import type { Message } from '@x/core';
import { knownTemplateRenderer, type RenderedWithRanges } from './known-template-renderer.js';
import { parseChatTemplate, type RenderOptions, renderChatTemplate } from './render-chat-template.js';

/** A model's prompt format: turns messages into the exact text the model was trained on. */
export interface ChatTemplate {
  /** 'model' for the model's own template, a fallback's name, or 'custom'. */
  readonly name: string;
  /** The Jinja source. */
  readonly source: string;
  render(messages: Message[], options?: { addGenerationPrompt?: boolean }): string;
  /**
   * The text and each content's exact span, for a template rendered without the Jinja (one we ship,
   * see knownTemplateRenderer); undefined where `render` must be used.
   */
  renderWithRanges?(
    messages: Message[],
    options?: { addGenerationPrompt?: boolean },
  ): RenderedWithRanges | undefined;
}

export interface ChatTemplateOptions extends Omit<RenderOptions, 'addGenerationPrompt'> {
  name?: string;
}

/** A ChatTemplate over Jinja source, parsed once, with the model's BOS/EOS text bound. */
export function createChatTemplate(source: string, options: ChatTemplateOptions = {}): ChatTemplate {
  const parsed = parseChatTemplate(source);
  const { name = 'custom', ...renderOptions } = options;
  // Our own templates read no other variables; with extra ones the Jinja renders.
  const known =
    Object.keys(renderOptions.variables ?? {}).length === 0 ? knownTemplateRenderer(source) : undefined;
  const { bosToken = '', eosToken = '' } = renderOptions;
  const renderWithRanges = (messages: Message[], { addGenerationPrompt = true } = {}) =>
    known?.(messages, { addGenerationPrompt, bosToken, eosToken });
  return {
    name,
    source,
    render: (messages, { addGenerationPrompt = true } = {}) =>
      renderWithRanges(messages, { addGenerationPrompt })?.text ??
      renderChatTemplate(parsed, messages, { ...renderOptions, addGenerationPrompt }),
    ...(known === undefined ? {} : { renderWithRanges }),
  };
}
