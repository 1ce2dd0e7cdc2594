export interface PromptLookupOptions {
  /** Longest n-gram matched (default 6). */
  maxNgram?: number;
  /** Shortest n-gram matched (default 2). */
  minNgram?: number;
  /** Tokens drafted at most (default 8). */
  maxDraft?: number;
  /** Earlier occurrences of the n-gram that vote on the draft, latest first (default 8). */
  maxCandidates?: number;
}

/**
 * Prompt-lookup drafting: finds the earlier occurrences of the context's last n tokens (longest n
 * that occurs at all) and proposes the tokens that followed them. Pays where the answer copies the
 * prompt (extraction, quoting, code edits); returns [] when nothing matches.
 *
 * The occurrences vote token by token: the draft goes on while more than half of those still
 * agreeing with it continue alike, so it stops where the context is ambiguous (after "Name: " in a
 * list of records, or at a field marker that precedes several fields) instead of spending a
 * verify on a guess. A match close to the end continues into the draft itself, as an overlapping
 * copy: in a loop of period p the draft repeats the loop for `maxDraft` tokens instead of stopping
 * after p.
 */
export function draftFromContext(context: readonly number[], options: PromptLookupOptions = {}): number[] {
  const maxDraft = options.maxDraft ?? 8;
  if (maxDraft <= 0) return [];
  const minNgram = Math.max(1, options.minNgram ?? 2);
  const maxCandidates = Math.max(1, options.maxCandidates ?? 8);
  const end = context.length;
  for (let n = Math.min(options.maxNgram ?? 6, end - 1); n >= minNgram; n--) {
    const starts: number[] = [];
    for (let start = end - n - 1; start >= 0 && starts.length < maxCandidates; start--) {
      let i = 0;
      while (i < n && context[start + i] === context[end - n + i]) i++;
      if (i === n) starts.push(start + n);
    }
    if (starts.length > 0) return vote(context, starts, maxDraft);
  }
  return [];
}

/** The continuation the occurrences starting at `froms` agree on, by majority, token by token. */
function vote(context: readonly number[], froms: number[], maxDraft: number): number[] {
  const end = context.length;
  const draft: number[] = [];
  let alive = froms;
  while (draft.length < maxDraft) {
    const j = draft.length;
    const next = alive.map((from) => (from + j < end ? context[from + j]! : draft[from + j - end]!));
    const counts = new Map<number, number>();
    let best = next[0]!;
    for (const token of next) {
      const count = (counts.get(token) ?? 0) + 1;
      counts.set(token, count);
      if (count > counts.get(best)!) best = token;
    }
    if (counts.get(best)! * 2 <= alive.length) break;
    alive = alive.filter((_, i) => next[i] === best);
    draft.push(best);
  }
  return draft;
}
