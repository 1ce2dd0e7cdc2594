export { ByteNfa } from './byte-nfa.js';
export { GrammarMasks, maskAllows, maskIsEmpty, type TokenMask } from './grammar-masks.js';
export { GrammarMatcher } from './grammar-matcher.js';
export { DEAD, LazyDfa } from './lazy-dfa.js';
export { TokenVocabulary } from './token-vocabulary.js';
export { VocabularyTrie } from './vocabulary-trie.js';
