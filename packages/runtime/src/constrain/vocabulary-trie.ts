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
    const layout = new TrieLayout(tokens);
    this.label = layout.label.slice(0, layout.nodes);
    this.depth = layout.depth.slice(0, layout.nodes);
    this.skip = layout.skip.slice(0, layout.nodes);
    this.tokenStart = layout.tokenStart.slice(0, layout.nodes + 1);
    this.tokenIds = layout.tokenIds;
    this.maxDepth = layout.maxDepth;
  }

  get nodeCount(): number {
    return this.label.length;
  }
}

/** Groups this small are split by insertion sort; larger ones by a counting sort. */
const SMALL_GROUP = 24;

/**
 * Builds the preorder layout by an MSD radix sort of the tokens: a group of tokens sharing a
 * prefix is a node; those that end there are its tokens, and the rest, split stably by their next
 * byte in byte order, are its children. Ids stay ascending within a node, as a (bytes, id) sort
 * leaves them. Sorting one string key per token instead took ~4x the time on warm code (Llama-2's
 * 32k tokens ~60 ms against ~13, Qwen2's 152k ~400 against ~100) and ~1.4x on the first, cold run.
 */
class TrieLayout {
  readonly label: Uint8Array;
  readonly depth: Uint16Array;
  readonly skip: Int32Array;
  readonly tokenStart: Int32Array;
  readonly tokenIds: Int32Array;
  readonly maxDepth: number;
  nodes = 0;
  /** The non-empty tokens' ids, in sorted order so far; scratch holds a counting sort's output. */
  private readonly order: Int32Array;
  private readonly scratch: Int32Array;
  private readonly counts: Int32Array[] = [];

  constructor(private readonly tokens: ReadonlyArray<Uint8Array | undefined>) {
    let count = 0;
    let bound = 0;
    let deepest = 0;
    for (let id = 0; id < tokens.length; id++) {
      const length = tokens[id]?.length ?? 0;
      if (length === 0) continue;
      count++;
      bound += length;
      if (length > deepest) deepest = length;
    }
    this.order = new Int32Array(count);
    count = 0;
    for (let id = 0; id < tokens.length; id++) if ((tokens[id]?.length ?? 0) > 0) this.order[count++] = id;
    this.scratch = new Int32Array(count);
    this.label = new Uint8Array(bound);
    this.depth = new Uint16Array(bound);
    this.skip = new Int32Array(bound);
    this.tokenStart = new Int32Array(bound + 1);
    this.tokenIds = new Int32Array(count);
    this.maxDepth = deepest;
    this.emit(count, deepest);
  }

  /**
   * Emits every node in preorder. Frame d is the node being expanded at depth d: its tokens not yet
   * placed are order[next[d], hi[d]), sorted by their byte at d. One loop rather than a recursion:
   * this runs once per model, mostly before the JIT has optimised it, and a loop it can optimise
   * mid-run (on-stack replacement) took ~48 ms of cold CPU for Llama-2 where a recursion took ~56.
   */
  private emit(count: number, deepest: number): void {
    const { tokens, order, label, depth, skip, tokenStart, tokenIds } = this;
    const frameNode = new Int32Array(deepest + 1);
    const next = new Int32Array(deepest + 1);
    const hi = new Int32Array(deepest + 1);
    this.sort(0, count, 0);
    hi[0] = count;
    let level = 0;
    let nodes = 0;
    let total = 0;
    while (level >= 0) {
      const first = next[level]!;
      if (first >= hi[level]!) {
        if (level > 0) skip[frameNode[level]!] = nodes;
        level--;
        continue;
      }
      const byte = tokens[order[first]!]![level]!;
      let last = first + 1;
      while (last < hi[level]! && tokens[order[last]!]![level] === byte) last++;
      next[level] = last;
      const node = nodes++;
      label[node] = byte;
      depth[node] = level + 1;
      tokenStart[node] = total;
      // The sort put the tokens that end here first, in id order.
      let rest = first;
      while (rest < last && tokens[order[rest]!]!.length === level + 1) tokenIds[total++] = order[rest++]!;
      if (rest === last) {
        skip[node] = nodes;
        continue;
      }
      level++;
      this.sort(rest, last, level);
      frameNode[level] = node;
      next[level] = rest;
      hi[level] = last;
    }
    tokenStart[nodes] = total;
    this.nodes = nodes;
  }

  /**
   * Stable sort of order[lo, hi) by the byte at `level` doubled, plus 1 when the token goes on past
   * it: a token that ends at level + 1 comes before the tokens it prefixes.
   */
  private sort(lo: number, hi: number, level: number): void {
    if (hi - lo <= SMALL_GROUP) this.insertionSort(lo, hi, level);
    else this.countingSort(lo, hi, level);
  }

  private countingSort(lo: number, hi: number, level: number): void {
    const { tokens, order, scratch } = this;
    // One count table per level: a sort's table is in use while the sorts below it run.
    let counts = this.counts[level];
    if (counts === undefined) {
      counts = new Int32Array(512);
      this.counts[level] = counts;
    }
    let least = 512;
    let most = 0;
    // sortKey inlined: this loop mostly runs before the JIT has optimised it, where calls cost.
    for (let i = lo; i < hi; i++) {
      const bytes = tokens[order[i]!]!;
      const key = bytes[level]! * 2 + (bytes.length > level + 1 ? 1 : 0);
      counts[key]!++;
      if (key < least) least = key;
      if (key > most) most = key;
    }
    let total = lo;
    for (let b = least; b <= most; b++) {
      const size = counts[b]!;
      counts[b] = total;
      total += size;
    }
    for (let i = lo; i < hi; i++) {
      const id = order[i]!;
      const bytes = tokens[id]!;
      scratch[counts[bytes[level]! * 2 + (bytes.length > level + 1 ? 1 : 0)]!++] = id;
    }
    counts.fill(0, least, most + 1);
    order.set(scratch.subarray(lo, hi), lo);
  }

  private insertionSort(lo: number, hi: number, level: number): void {
    const { tokens, order } = this;
    for (let i = lo + 1; i < hi; i++) {
      const id = order[i]!;
      const key = sortKey(tokens[id]!, level);
      let j = i - 1;
      while (j >= lo && sortKey(tokens[order[j]!]!, level) > key) {
        order[j + 1] = order[j]!;
        j--;
      }
      order[j + 1] = id;
    }
  }
}

function sortKey(bytes: Uint8Array, level: number): number {
  return bytes[level]! * 2 + (bytes.length > level + 1 ? 1 : 0);
}
