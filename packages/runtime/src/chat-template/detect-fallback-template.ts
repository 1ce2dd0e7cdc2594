import type { FallbackTemplateName } from './fallback-templates.js';

export interface VocabularyFacts {
  /** GGUF `general.architecture` (llama, qwen2, phi3, gemma2, …). */
  architecture?: string;
  /** Tokenizer kind: 'spm', 'bpe', … */
  tokenizerKind?: string;
  vocabSize?: number;
  /** True when the vocabulary holds a token with exactly this text. */
  hasToken(text: string): boolean;
}

/**
 * Which prompt format a model without a chat template most likely speaks, read from its special
 * tokens first and its architecture second. A llama SPM vocabulary of Llama-2 size gets `[INST]`;
 * anything with no chat tokens at all (stories260K) gets plain text.
 */
export function detectFallbackTemplate(facts: VocabularyFacts): FallbackTemplateName {
  const { hasToken } = facts;
  const architecture = facts.architecture ?? '';
  if (hasToken('<|start_header_id|>') || hasToken('<|eot_id|>')) return 'llama3';
  if (hasToken('<|im_start|>')) return 'chatml';
  if ((hasToken('<|user|>') && hasToken('<|end|>')) || architecture === 'phi3') return 'phi3';
  if (hasToken('<start_of_turn>') || architecture.startsWith('gemma')) return 'gemma';
  if (hasToken('[INST]')) return 'llama2';
  if (architecture === 'llama' && facts.tokenizerKind === 'spm' && (facts.vocabSize ?? 0) >= 32000)
    return 'llama2';
  return 'plain';
}
