/**
 * A model's ids for recent long fragments (the text between special tokens), so prompts that repeat
 * their instructions and demos call after call (an optimiser's candidates, a few-shot program's dev
 * set) tokenize each of those once. Exact: a fragment's ids depend only on its text and on whether it
 * starts the input (TextModel.encode). Least recently used entries go first once `maxChars` of text
 * is held.
 */
export class FragmentCache {
  /**
   * Keyed by the text itself, both first-flag variants under one key: a key with a flag character
   * in front was a new 100–4,000-character string to build and hash on every lookup.
   */
  private readonly entries = new Map<string, FragmentIds>();
  private chars = 0;

  constructor(
    /** Shorter fragments are tokenized every time (a lookup would cost about as much). */
    private readonly minChars = 16,
    private readonly maxChars = 1 << 22,
  ) {}

  /** The fragment's ids appended to `out`, from `encode` on a miss (which is remembered). */
  encode(
    text: string,
    first: boolean,
    out: number[],
    encode: (text: string, first: boolean, out: number[]) => void,
  ): void {
    if (text.length < this.minChars || text.length > this.maxChars / 4) {
      encode(text, first, out);
      return;
    }
    let entry = this.entries.get(text);
    const cached = first ? entry?.first : entry?.rest;
    if (entry !== undefined) this.entries.delete(text);
    if (cached !== undefined) {
      this.entries.set(text, entry!);
      for (let i = 0; i < cached.length; i++) out.push(cached[i]!);
      return;
    }
    const start = out.length;
    encode(text, first, out);
    entry ??= {};
    if (first) entry.first = out.slice(start);
    else entry.rest = out.slice(start);
    this.entries.set(text, entry);
    // Each variant counts its text and a character, as a flagged key did.
    this.chars += text.length + 1;
    for (const [old, ids] of this.entries) {
      if (this.chars <= this.maxChars) break;
      this.entries.delete(old);
      this.chars -= (old.length + 1) * ((ids.first ? 1 : 0) + (ids.rest ? 1 : 0));
    }
  }
}

/** A fragment's ids when it starts the input and when it does not, as far as each has been seen. */
interface FragmentIds {
  first?: readonly number[];
  rest?: readonly number[];
}
