/**
 * Every allowed token's decoded bytes in one trie, laid out in preorder: node i has a byte
 * `label`, a `depth` (its parent is the last node before it one level up) and `skip`, the index
 * just past its subtree. A mask walk steps the automaton once per node and skips whole subtrees
 * the automaton rejects, so tokens sharing a prefix share the work.
 */
export class VocabularyTrie {
  readonly label: Uint8Array;
  readonly depth: Uint16Array;
  readonly skip: Int32Array;
  /** Tokens ending at node i: tokenIds[tokenStart[i] .. tokenStart[i + 1]). */
  readonly tokenStart: Int32Array;
  readonly tokenIds: Int32Array;
  readonly maxDepth: number;

  /** `tokens[id]` is the token's bytes, or undefined for a token never allowed by a grammar. */
  constructor(tokens: ReadonlyArray<Uint8Array | undefined>) {
    const ids: number[] = [];
    tokens.forEach((bytes, id) => {
      if (bytes !== undefined && bytes.length > 0) ids.push(id);
    });
    ids.sort((a, b) => compareBytes(tokens[a]!, tokens[b]!) || a - b);
    const labels: number[] = [];
    const depths: number[] = [];
    const ending: number[][] = [];
    let previous: Uint8Array = new Uint8Array(0);
    for (const id of ids) {
      const bytes = tokens[id]!;
      let common = 0;
      while (common < previous.length && common < bytes.length && previous[common] === bytes[common])
        common++;
      for (let d = common; d < bytes.length; d++) {
        labels.push(bytes[d]!);
        depths.push(d + 1);
        ending.push([]);
      }
      ending[ending.length - 1]!.push(id);
      previous = bytes;
    }
    const n = labels.length;
    this.label = Uint8Array.from(labels);
    this.depth = Uint16Array.from(depths);
    this.skip = new Int32Array(n).fill(n);
    const open: number[] = [];
    for (let i = 0; i < n; i++) {
      while (open.length > 0 && depths[open[open.length - 1]!]! >= depths[i]!) this.skip[open.pop()!] = i;
      open.push(i);
    }
    this.tokenStart = new Int32Array(n + 1);
    let total = 0;
    for (let i = 0; i < n; i++) {
      this.tokenStart[i] = total;
      total += ending[i]!.length;
    }
    this.tokenStart[n] = total;
    this.tokenIds = Int32Array.from(ending.flat());
    this.maxDepth = depths.reduce((a, b) => Math.max(a, b), 0);
  }

  get nodeCount(): number {
    return this.label.length;
  }
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}
