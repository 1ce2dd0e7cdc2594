import type { Tokenizer } from '../tokenizer/tokenizer.js';
import type { ChatTemplate } from './chat-template.js';
import { pickChatTemplate } from './pick-chat-template.js';

export interface ChatTemplateForTokenizerOptions {
  architecture?: string;
  modelTemplate?: string;
  override?: ChatTemplate | string;
}

/** Picks a chat template with the vocabulary and BOS/EOS text read from a Tokenizer. */
export function chatTemplateForTokenizer(
  tokenizer: Tokenizer,
  options: ChatTemplateForTokenizerOptions = {},
): ChatTemplate {
  let vocabulary: Set<string> | undefined;
  const hasToken = (text: string) => {
    if (vocabulary === undefined) {
      vocabulary = new Set();
      for (let id = 0; id < tokenizer.vocabSize; id++) vocabulary.add(tokenizer.tokenText(id));
    }
    return vocabulary.has(text);
  };
  const textOf = (id: number | undefined) => (id === undefined ? undefined : tokenizer.tokenText(id));
  return pickChatTemplate({
    ...options,
    tokenizerKind: tokenizer.kind,
    vocabSize: tokenizer.vocabSize,
    hasToken,
    bosToken: textOf(tokenizer.bosId),
    eosToken: textOf(tokenizer.eosId),
  });
}
