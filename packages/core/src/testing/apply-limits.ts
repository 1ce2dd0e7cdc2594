import type { FinishReason, GenerateOptions } from '../lm/lm.js';

/** Cuts a scripted reply at the first stop sequence, then at `maxTokens` words, as a real LM would. */
export function applyLimits(
  text: string,
  options: Pick<GenerateOptions, 'stop' | 'maxTokens'>,
): { text: string; finishReason: FinishReason } {
  let cut = text;
  for (const stop of options.stop ?? []) {
    if (stop === '') continue;
    const at = cut.indexOf(stop);
    if (at >= 0) cut = cut.slice(0, at);
  }
  if (options.maxTokens !== undefined) {
    if (options.maxTokens <= 0) return { text: '', finishReason: 'length' };
    const words = [...cut.matchAll(/\S+/g)];
    const last = words[options.maxTokens - 1];
    if (words.length > options.maxTokens && last?.index !== undefined) {
      return { text: cut.slice(0, last.index + last[0].length), finishReason: 'length' };
    }
  }
  return { text: cut, finishReason: 'stop' };
}
