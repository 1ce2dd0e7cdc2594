export interface PromptLookupOptions {
  /** Longest n-gram matched (default 4). */
  maxNgram?: number;
  /** Shortest n-gram matched (default 2). */
  minNgram?: number;
  /** Tokens drafted at most (default 8). */
  maxDraft?: number;
}

/**
 * Prompt-lookup drafting: finds the latest earlier occurrence of the context's last n tokens
 * (longest n first) and proposes the tokens that followed it. Pays where the answer copies the
 * prompt (extraction, quoting, code edits); returns [] when nothing matches.
 *
 * A match close to the end continues into the draft itself, as an overlapping copy: in a loop of
 * period p the latest match is p tokens back, and the draft repeats the loop for `maxDraft` tokens
 * instead of stopping after p.
 */
export function draftFromContext(context: readonly number[], options: PromptLookupOptions = {}): number[] {
  const maxDraft = options.maxDraft ?? 8;
  if (maxDraft <= 0) return [];
  const minNgram = Math.max(1, options.minNgram ?? 2);
  const end = context.length;
  for (let n = Math.min(options.maxNgram ?? 4, end - 1); n >= minNgram; n--) {
    for (let start = end - n - 1; start >= 0; start--) {
      let i = 0;
      while (i < n && context[start + i] === context[end - n + i]) i++;
      if (i < n) continue;
      const from = start + n;
      const draft: number[] = [];
      for (let j = 0; j < maxDraft; j++)
        draft.push(from + j < end ? context[from + j]! : draft[from + j - end]!);
      return draft;
    }
  }
  return [];
}
