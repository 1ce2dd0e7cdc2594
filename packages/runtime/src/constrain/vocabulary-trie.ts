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
    // Sorted by bytes, then id, with the engine's own string sort: each byte b as the unit b + 1, then
    // 0 (so a prefix sorts first) and the id in two units.
    const keys: string[] = [];
    let bound = 0;
    tokens.forEach((bytes, id) => {
      if (bytes === undefined || bytes.length === 0) return;
      keys.push(sortKey(bytes, id));
      bound += bytes.length;
    });
    keys.sort();
    const ids = keys.map((key) => key.charCodeAt(key.length - 2) * 0x10000 + key.charCodeAt(key.length - 1));
    // In that order each token ends at the last node made so far (a prefix sorts before what it
    // prefixes), so the tokens ending at each node are consecutive, in sorted order.
    const labels = new Uint8Array(bound);
    const depths = new Uint16Array(bound);
    const ending = new Int32Array(bound + 1);
    let n = 0;
    let previous: Uint8Array = new Uint8Array(0);
    for (const id of ids) {
      const bytes = tokens[id]!;
      let common = 0;
      while (common < previous.length && common < bytes.length && previous[common] === bytes[common])
        common++;
      for (let d = common; d < bytes.length; d++) {
        labels[n] = bytes[d]!;
        depths[n] = d + 1;
        n++;
      }
      ending[n - 1]!++;
      previous = bytes;
    }
    this.label = labels.slice(0, n);
    this.depth = depths.slice(0, n);
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
      total += ending[i]!;
    }
    this.tokenStart[n] = total;
    this.tokenIds = Int32Array.from(ids);
    let maxDepth = 0;
    for (let i = 0; i < n; i++) if (depths[i]! > maxDepth) maxDepth = depths[i]!;
    this.maxDepth = maxDepth;
  }

  get nodeCount(): number {
    return this.label.length;
  }
}

/** `bytes` as UTF-16 units b + 1, a 0, then `id` (< 2^32) as two units: key order is (bytes, id) order. */
function sortKey(bytes: Uint8Array, id: number): string {
  const units = new Array<number>(bytes.length + 3);
  for (let i = 0; i < bytes.length; i++) units[i] = bytes[i]! + 1;
  units[bytes.length] = 0;
  units[bytes.length + 1] = id >>> 16;
  units[bytes.length + 2] = id & 0xffff;
  return String.fromCharCode(...units);
}
