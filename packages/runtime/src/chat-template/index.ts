export { type ChatTemplate, type ChatTemplateOptions, createChatTemplate } from './chat-template.js';
export {
  type ChatTemplateForTokenizerOptions,
  chatTemplateForTokenizer,
} from './chat-template-for-tokenizer.js';
export { detectFallbackTemplate, type VocabularyFacts } from './detect-fallback-template.js';
export { FALLBACK_TEMPLATES, type FallbackTemplateName } from './fallback-templates.js';
export { type PickChatTemplateOptions, pickChatTemplate } from './pick-chat-template.js';
export {
  type ParsedChatTemplate,
  parseChatTemplate,
  type RenderOptions,
  renderChatTemplate,
} from './render-chat-template.js';
export { type RenderedChat, renderWithContentRanges } from './render-with-content-ranges.js';
