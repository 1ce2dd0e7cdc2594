import type { StreamDecoder } from './tokenizer.js';
import { incompleteUtf8Tail, utf8Decode } from './utf8.js';

/** Emits text as soon as its UTF-8 bytes are complete; holds a character split across tokens. */
export class TokenStreamDecoder implements StreamDecoder {
  private pending = new Uint8Array(0);
  private first = true;

  constructor(private readonly bytesOf: (id: number, first: boolean) => Uint8Array) {}

  push(id: number): string {
    const bytes = this.bytesOf(id, this.first);
    this.first = false;
    if (bytes.length === 0) return '';
    // Most tokens complete their characters with nothing held: decoded as they are, no copies.
    if (this.pending.length === 0) {
      const hold = incompleteUtf8Tail(bytes);
      if (hold === 0) return utf8Decode(bytes);
    }
    const joined = new Uint8Array(this.pending.length + bytes.length);
    joined.set(this.pending);
    joined.set(bytes, this.pending.length);
    const hold = incompleteUtf8Tail(joined);
    this.pending = joined.slice(joined.length - hold);
    return hold === joined.length ? '' : utf8Decode(joined.subarray(0, joined.length - hold));
  }

  flush(): string {
    const text = utf8Decode(this.pending);
    this.pending = new Uint8Array(0);
    return text;
  }
}
