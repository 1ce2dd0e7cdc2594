import { Template } from '@huggingface/jinja';
import { type Message, ModelFormatError, UnsupportedError } from '@x/core';

export interface RenderOptions {
  /** End with the assistant's header so the model writes the reply (default true). */
  addGenerationPrompt?: boolean;
  bosToken?: string;
  eosToken?: string;
  /** Extra variables some templates read (tools, date_string, enable_thinking, …). */
  variables?: Record<string, unknown>;
}

/**
 * A parsed Jinja template. Our own shape rather than @huggingface/jinja's class, whose .d.ts files do
 * not resolve under moduleResolution node16, so that our types never make a consumer need skipLibCheck.
 */
export interface ParsedChatTemplate {
  render(variables: Record<string, unknown>): string;
}

/** Parses a Jinja chat template once; a template that does not parse is a ModelFormatError. */
export function parseChatTemplate(source: string): ParsedChatTemplate {
  try {
    return new Template(source);
  } catch (cause) {
    throw new ModelFormatError(`chat template does not parse: ${(cause as Error).message}`, {
      expected: 'a Jinja chat template',
      cause,
    });
  }
}

/**
 * Renders the way transformers' `apply_chat_template` does: `messages`, `add_generation_prompt`,
 * `bos_token` and `eos_token` in scope. A template that raises (a role it does not accept, roles
 * not alternating) gives an UnsupportedError with the template's own message.
 */
export function renderChatTemplate(
  template: string | ParsedChatTemplate,
  messages: Message[],
  options: RenderOptions = {},
): string {
  const parsed = typeof template === 'string' ? parseChatTemplate(template) : template;
  try {
    return parsed.render({
      ...options.variables,
      messages: messages.map((message) => ({ role: message.role, content: message.content })),
      add_generation_prompt: options.addGenerationPrompt ?? true,
      bos_token: options.bosToken ?? '',
      eos_token: options.eosToken ?? '',
    });
  } catch (cause) {
    throw new UnsupportedError(
      'chat-template',
      `chat template rejected the messages: ${(cause as Error).message}`,
      {
        cause,
      },
    );
  }
}
