/** One generated token as the server reports it with logprobs. */
export interface ReportedToken {
  bytes: number[];
  logprob: number;
}

export type TokenComparison =
  | { kind: 'same' }
  /** Same tokens up to `at`, then a different draw; the logprobs before it agreed within `maxDelta`. */
  | { kind: 'diverged'; at: number; maxDelta: number }
  /** A token is missing, extra, or the tokens do not spell the text: what the soak must never see. */
  | { kind: 'lost-or-duplicated'; at: number; detail: string }
  /** The logprobs before the first difference disagree beyond numeric noise. */
  | { kind: 'mismatch'; at: number; maxDelta: number };

const decoder = new TextDecoder();
const key = (token: ReportedToken) => token.bytes.join(',');
/** `<s>`, `</s>`, `<|im_end|>`: control tokens the server reports but never writes into the text. */
const control = /^<\|?\/?[A-Za-z_]+\|?>$/;
const spell = (tokens: readonly ReportedToken[]) =>
  decoder.decode(
    Uint8Array.from(
      tokens.filter((t) => !control.test(decoder.decode(Uint8Array.from(t.bytes)))).flatMap((t) => t.bytes),
    ),
  );
const sameRun = (a: readonly ReportedToken[], b: readonly ReportedToken[]) =>
  a.length === b.length && a.every((token, i) => key(token) === key(b[i]!));

/**
 * A stream's tokens against a non-streamed replay with the same seed. The native engine's logits
 * move with the batch a sequence shares (~1e-5 per step, ~3e-3 after 60 steps of cache), so a
 * seeded draw can rarely land on the other side of a boundary: that is `diverged`, told apart from a
 * token lost or duplicated on the way.
 */
export function compareTokens(
  streamed: { tokens: readonly ReportedToken[]; text: string },
  replayed: { tokens: readonly ReportedToken[]; text: string },
  noise = 1e-2,
): TokenComparison {
  // SentencePiece: the decoder drops the first piece's space, the token bytes keep it.
  for (const side of [streamed, replayed])
    if (spell(side.tokens).trimStart() !== side.text.trimStart())
      return {
        kind: 'lost-or-duplicated',
        at: -1,
        detail: `tokens spell ${JSON.stringify(spell(side.tokens))}, text is ${JSON.stringify(side.text)}`,
      };
  const a = streamed.tokens;
  const b = replayed.tokens;
  let at = 0;
  let maxDelta = 0;
  while (at < a.length && at < b.length && key(a[at]!) === key(b[at]!)) {
    maxDelta = Math.max(maxDelta, Math.abs(a[at]!.logprob - b[at]!.logprob));
    at++;
  }
  if (at === a.length && at === b.length)
    return maxDelta <= noise ? { kind: 'same' } : { kind: 'mismatch', at, maxDelta };
  if (at === a.length || at === b.length)
    return {
      kind: 'lost-or-duplicated',
      at,
      detail: `${a.length} streamed vs ${b.length} replayed tokens, one a prefix of the other`,
    };
  if (sameRun(a.slice(at + 1), b.slice(at)) || sameRun(a.slice(at), b.slice(at + 1)))
    return { kind: 'lost-or-duplicated', at, detail: 'one token more or less, the rest the same' };
  return maxDelta <= noise ? { kind: 'diverged', at, maxDelta } : { kind: 'mismatch', at, maxDelta };
}
