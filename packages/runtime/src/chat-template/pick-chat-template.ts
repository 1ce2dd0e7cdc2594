import { XError } from '@x/core';
import { type ChatTemplate, createChatTemplate } from './chat-template.js';
import { detectFallbackTemplate, type VocabularyFacts } from './detect-fallback-template.js';
import { FALLBACK_TEMPLATES, type FallbackTemplateName } from './fallback-templates.js';

export interface PickChatTemplateOptions extends VocabularyFacts {
  /** The caller's choice: a ChatTemplate, a fallback name ('chatml', 'llama3', …) or Jinja source. */
  override?: ChatTemplate | string;
  /** The model's own template (`tokenizer.chat_template` in GGUF or tokenizer_config.json). */
  modelTemplate?: string;
  bosToken?: string;
  eosToken?: string;
}

function isFallbackName(value: string): value is FallbackTemplateName {
  return Object.hasOwn(FALLBACK_TEMPLATES, value);
}

/**
 * The caller's override wins, then the model's own template, then a fallback detected from the
 * vocabulary. A model template our Jinja cannot parse also falls back (the result's `name` says
 * 'fallback:<name>' in every fallback case), so such a model stays usable.
 */
export function pickChatTemplate(options: PickChatTemplateOptions): ChatTemplate {
  const tokens = { bosToken: options.bosToken, eosToken: options.eosToken };
  const { override, modelTemplate } = options;
  if (override !== undefined) {
    if (typeof override !== 'string') return override;
    if (isFallbackName(override))
      return createChatTemplate(FALLBACK_TEMPLATES[override], { ...tokens, name: override });
    return createChatTemplate(override, { ...tokens, name: 'custom' });
  }
  if (modelTemplate !== undefined && modelTemplate.trim() !== '') {
    try {
      return createChatTemplate(modelTemplate, { ...tokens, name: 'model' });
    } catch (error) {
      if (!XError.isInstance(error)) throw error;
    }
  }
  const fallback = detectFallbackTemplate(options);
  return createChatTemplate(FALLBACK_TEMPLATES[fallback], { ...tokens, name: `fallback:${fallback}` });
}
