import type { SpecialToken } from './vocab.js';

interface TrieNode {
  children: Map<number, TrieNode>;
  token: SpecialToken | undefined;
}

const node = (): TrieNode => ({ children: new Map(), token: undefined });

/** Finds which special tokens occur anywhere in a text in one pass, however many the vocabulary has. */
export class SpecialTrie {
  private readonly root = node();

  constructor(specials: readonly SpecialToken[]) {
    for (const special of specials) {
      let at = this.root;
      for (let i = 0; i < special.text.length; i++) {
        const code = special.text.charCodeAt(i);
        let next = at.children.get(code);
        if (next === undefined) {
          next = node();
          at.children.set(code, next);
        }
        at = next;
      }
      at.token ??= special;
    }
  }

  /** The ids of special tokens present in `text`. */
  present(text: string): Set<number> {
    const found = new Set<number>();
    const root = this.root.children;
    for (let start = 0; start < text.length; start++) {
      let at = root.get(text.charCodeAt(start));
      for (let i = start + 1; at !== undefined; i++) {
        if (at.token !== undefined) found.add(at.token.id);
        if (i >= text.length) break;
        at = at.children.get(text.charCodeAt(i));
      }
    }
    return found;
  }
}
