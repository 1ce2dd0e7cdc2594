import type { Engine } from '../engine/engine.js';
import type { Tokenizer } from '../tokenizer/tokenizer.js';
import { VocabularyMismatchError } from './vocabulary-mismatch-error.js';

/**
 * Throws VocabularyMismatchError unless every token id means the same on both models: the same
 * tokenizer vocabulary, token by token, when the draft's tokenizer is known, else the same logits
 * width. Padding rows past the tokenizer's vocabulary may differ between the two engines.
 */
export function checkDraftVocabulary(
  target: { engine: Engine; tokenizer: Tokenizer },
  draft: { engine: Engine; tokenizer?: Tokenizer },
): void {
  const { tokenizer } = target;
  if (draft.tokenizer === undefined) {
    if (draft.engine.info.vocabSize !== target.engine.info.vocabSize)
      throw new VocabularyMismatchError('the draft model has a different vocabulary size', {
        expected: `${target.engine.info.vocabSize} logits`,
        got: `${draft.engine.info.vocabSize}`,
      });
    return;
  }
  if (draft.tokenizer.vocabSize !== tokenizer.vocabSize)
    throw new VocabularyMismatchError('the draft tokenizer has a different vocabulary size', {
      expected: `${tokenizer.vocabSize} tokens`,
      got: `${draft.tokenizer.vocabSize}`,
    });
  for (let id = 0; id < tokenizer.vocabSize; id++) {
    const expected = tokenizer.tokenText(id);
    const got = draft.tokenizer.tokenText(id);
    if (expected !== got)
      throw new VocabularyMismatchError(`token ${id} differs between the target and the draft tokenizer`, {
        expected: JSON.stringify(expected),
        got: JSON.stringify(got),
        tokenId: id,
      });
  }
  if (draft.engine.info.vocabSize < tokenizer.vocabSize)
    throw new VocabularyMismatchError('the draft model has fewer logits than the tokenizer has tokens', {
      expected: `at least ${tokenizer.vocabSize} logits`,
      got: `${draft.engine.info.vocabSize}`,
    });
}
