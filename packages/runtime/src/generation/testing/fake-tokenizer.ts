import type { DecodeOptions, EncodeOptions, StreamDecoder, Tokenizer } from '../../tokenizer/tokenizer.js';

/**
 * A tiny deterministic tokenizer for tests: 0 `<s>` (BOS), 1 `</s>` (EOS), 2–27 'a'–'z',
 * 28 ' ', 29 '.', 30 `<|im_start|>`, 31 `<|im_end|>` (a stop id), 32 '\n'. Encoding is greedy
 * longest match; unknown characters are dropped.
 */
export const FAKE_VOCABULARY: readonly string[] = [
  '<s>',
  '</s>',
  ...'abcdefghijklmnopqrstuvwxyz'.split(''),
  ' ',
  '.',
  '<|im_start|>',
  '<|im_end|>',
  '\n',
];

const SPECIAL = new Set([0, 1, 30, 31]);

export class FakeTokenizer implements Tokenizer {
  readonly kind = 'fake';
  readonly vocabSize = FAKE_VOCABULARY.length;
  readonly bosId = 0;
  readonly eosId = 1;
  readonly stopIds: ReadonlySet<number> = new Set([1, 31]);
  encodeCalls = 0;

  encode(text: string, options: EncodeOptions = {}): number[] {
    this.encodeCalls++;
    const ids: number[] = options.addSpecial === false ? [] : [this.bosId];
    const parseSpecial = options.parseSpecial ?? true;
    const inLiteral = (start: number, length: number) =>
      (options.literalRanges ?? []).some((range) => start < range.end && start + length > range.start);
    let at = 0;
    while (at < text.length) {
      let best = -1;
      for (let id = 0; id < FAKE_VOCABULARY.length; id++) {
        if (SPECIAL.has(id) && (!parseSpecial || inLiteral(at, FAKE_VOCABULARY[id]!.length))) continue;
        const piece = FAKE_VOCABULARY[id]!;
        if (text.startsWith(piece, at) && (best === -1 || piece.length > FAKE_VOCABULARY[best]!.length))
          best = id;
      }
      if (best === -1) {
        at++;
        continue;
      }
      ids.push(best);
      at += FAKE_VOCABULARY[best]!.length;
    }
    return ids;
  }

  decode(ids: ArrayLike<number>, options: DecodeOptions = {}): string {
    let text = '';
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (options.skipSpecial && SPECIAL.has(id)) continue;
      text += FAKE_VOCABULARY[id] ?? '';
    }
    return text;
  }

  tokenBytes(id: number): Uint8Array {
    return new TextEncoder().encode(FAKE_VOCABULARY[id] ?? '');
  }

  isSpecial(id: number): boolean {
    return SPECIAL.has(id);
  }

  tokenText(id: number): string {
    return FAKE_VOCABULARY[id] ?? '';
  }

  createStreamDecoder(options: DecodeOptions = {}): StreamDecoder {
    return { push: (id) => this.decode([id], options), flush: () => '' };
  }
}
