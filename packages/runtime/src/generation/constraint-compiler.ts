import type { GrammarNode, OutputConstraint } from '@x/core';
import { GrammarMasks } from '../constrain/grammar-masks.js';
import { GrammarMatcher } from '../constrain/grammar-matcher.js';
import { TokenVocabulary } from '../constrain/token-vocabulary.js';
import type { Tokenizer } from '../tokenizer/tokenizer.js';

/**
 * Compiles output constraints against one model's vocabulary, keeping the most recent grammars
 * (and so their cached masks) for the next calls with the same signature.
 */
export class ConstraintCompiler {
  private vocabulary: TokenVocabulary | undefined;
  private readonly compiled = new Map<string, GrammarMasks>();
  private readonly keys = new WeakMap<GrammarNode, string>();

  constructor(
    private readonly tokenizer: Tokenizer,
    private readonly vocabSize: number,
    private readonly capacity = 8,
  ) {}

  /** Whether the vocabulary's bytes and trie are still to be made (they are, at a first mask). */
  get preparing(): boolean {
    return this.vocabulary !== undefined && !this.vocabulary.prepared;
  }

  /** Makes the vocabulary's bytes and trie now (a LocalLM runs it while the engine computes). */
  prepare(): void {
    this.vocabulary?.prepare();
  }

  /** A fresh matcher for one generation, or undefined when the call is unconstrained. */
  matcherFor(options: { constraint?: OutputConstraint; constrain?: boolean }): GrammarMatcher | undefined {
    if (options.constrain === false || options.constraint === undefined) return undefined;
    return new GrammarMatcher(this.masksFor(options.constraint.grammar));
  }

  masksFor(grammar: GrammarNode): GrammarMasks {
    let key = this.keys.get(grammar);
    if (key === undefined) {
      key = JSON.stringify(grammar);
      this.keys.set(grammar, key);
    }
    let masks = this.compiled.get(key);
    if (masks !== undefined) {
      this.compiled.delete(key);
    } else {
      this.vocabulary ??= TokenVocabulary.fromTokenizer(this.tokenizer, this.vocabSize);
      masks = new GrammarMasks(grammar, this.vocabulary);
    }
    this.compiled.set(key, masks);
    if (this.compiled.size > this.capacity) this.compiled.delete(this.compiled.keys().next().value!);
    return masks;
  }
}
