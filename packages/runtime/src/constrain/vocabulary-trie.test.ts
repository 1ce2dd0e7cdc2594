import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTokenizer } from '../tokenizer/load-tokenizer.js';
import { vocabDir } from '../tokenizer/testing/vocab-dir.js';
import { TokenVocabulary } from './token-vocabulary.js';
import { VocabularyTrie } from './vocabulary-trie.js';

interface Node {
  children: Map<number, Node>;
  ids: number[];
}

/** The layout the trie promises, built the plain way: a tree of maps walked in byte order. */
function reference(tokens: ReadonlyArray<Uint8Array | undefined>) {
  const root: Node = { children: new Map(), ids: [] };
  tokens.forEach((bytes, id) => {
    if (bytes === undefined || bytes.length === 0) return;
    let node = root;
    for (const byte of bytes) {
      let child = node.children.get(byte);
      if (child === undefined) {
        child = { children: new Map(), ids: [] };
        node.children.set(byte, child);
      }
      node = child;
    }
    node.ids.push(id);
  });
  const label: number[] = [];
  const depth: number[] = [];
  const skip: number[] = [];
  const tokenStart: number[] = [];
  const tokenIds: number[] = [];
  const visit = (node: Node, byte: number, level: number) => {
    const index = label.length;
    label.push(byte);
    depth.push(level);
    skip.push(0);
    tokenStart.push(tokenIds.length);
    tokenIds.push(...node.ids);
    for (const [next, child] of [...node.children].sort(([a], [b]) => a - b)) visit(child, next, level + 1);
    skip[index] = label.length;
  };
  for (const [byte, child] of [...root.children].sort(([a], [b]) => a - b)) visit(child, byte, 1);
  tokenStart.push(tokenIds.length);
  return { label, depth, skip, tokenStart, tokenIds, maxDepth: depth.reduce((a, b) => Math.max(a, b), 0) };
}

const layout = (trie: VocabularyTrie) => ({
  label: [...trie.label],
  depth: [...trie.depth],
  skip: [...trie.skip],
  tokenStart: [...trie.tokenStart],
  tokenIds: [...trie.tokenIds],
  maxDepth: trie.maxDepth,
});

describe('VocabularyTrie', () => {
  it('lays out random tokens (shared prefixes, repeats, high bytes, gaps) as a plain trie walk does', () => {
    let state = 7;
    const next = () => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state / 2 ** 32;
    };
    const alphabet = [0x20, 0x41, 0x42, 0x61, 0x7f, 0x80, 0xc3, 0xe5, 0xff];
    const tokens = Array.from({ length: 600 }, () => {
      if (next() < 0.05) return undefined;
      return Uint8Array.from(
        { length: Math.floor(next() * 5) },
        () => alphabet[Math.floor(next() * alphabet.length)]!,
      );
    });
    expect(layout(new VocabularyTrie(tokens))).toEqual(reference(tokens));
  });

  it('lays out many long tokens on a small alphabet (deep groups, duplicates, tokens inside tokens)', () => {
    let state = 3;
    const next = () => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state / 2 ** 32;
    };
    const tokens = Array.from({ length: 5000 }, () =>
      Uint8Array.from({ length: Math.floor(next() * 12) }, () =>
        next() < 0.7 ? 0x61 : 0x62 + Math.floor(next() * 3),
      ),
    );
    expect(layout(new VocabularyTrie(tokens))).toEqual(reference(tokens));
  });

  it.each([
    ['SentencePiece (Llama-2, byte tokens <0xNN>, control tokens undefined)', 'ggml-vocab-llama-spm.gguf'],
    ['GPT-2 byte-level BPE', 'ggml-vocab-gpt-2.gguf'],
    ['Qwen2 byte-level BPE (152k tokens)', '../tokenizers/qwen2-bpe'],
  ])('lays out a real %s vocabulary as a plain trie walk does', async (_name, file) => {
    const tokenizer = await loadTokenizer(path.join(vocabDir, file));
    const { tokenBytes } = TokenVocabulary.fromTokenizer(tokenizer);
    expect(tokenBytes.some((bytes) => bytes === undefined)).toBe(true);
    expect(layout(new VocabularyTrie(tokenBytes))).toEqual(reference(tokenBytes));
  });
});
