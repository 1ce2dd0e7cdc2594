/**
 * A model's ids for recent long fragments (the text between special tokens), so prompts that repeat
 * their instructions and demos call after call (an optimiser's candidates, a few-shot program's dev
 * set) tokenize each of those once. Exact: a fragment's ids depend only on its text and on whether it
 * starts the input (TextModel.encode). Least recently used entries go first once `maxChars` of text
 * is held.
 */
export class FragmentCache {
  private readonly entries = new Map<string, readonly number[]>();
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
    const key = first ? `\u0001${text}` : `\u0000${text}`;
    const cached = this.entries.get(key);
    if (cached !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, cached);
      for (let i = 0; i < cached.length; i++) out.push(cached[i]!);
      return;
    }
    const start = out.length;
    encode(text, first, out);
    this.entries.set(key, out.slice(start));
    this.chars += key.length;
    for (const [old] of this.entries) {
      if (this.chars <= this.maxChars) break;
      this.entries.delete(old);
      this.chars -= old.length;
    }
  }
}
