/** Turns one fragment of plain text (special tokens already cut out) into token ids. */
export interface TextModel {
  /** `first`: the fragment starts the input (SentencePiece "prepend first" schemes care). */
  encode(text: string, first: boolean, out: number[]): void;
}

/** A bounded memo for pre-token → ids, cleared when full so memory stays flat on long inputs. */
export class PieceCache {
  private readonly entries = new Map<string, readonly number[]>();

  constructor(private readonly limit = 1 << 16) {}

  get(piece: string): readonly number[] | undefined {
    return this.entries.get(piece);
  }

  set(piece: string, ids: readonly number[]): void {
    if (this.entries.size >= this.limit) this.entries.clear();
    this.entries.set(piece, ids);
  }
}
