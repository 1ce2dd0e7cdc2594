type TrieNode = Map<number, TrieNode>;

/**
 * The prompt tokens a prefix cache that kept everything would still have to compute for `prompts`
 * run in order: each prompt's tokens past its longest common prefix with any earlier prompt, and at
 * least its last token (the one whose logits start generation). The floor for the prefilled count.
 */
export function idealPrefillTokens(prompts: readonly (readonly number[])[]): number {
  const root: TrieNode = new Map();
  let total = 0;
  for (const prompt of prompts) {
    let node = root;
    let shared = 0;
    let matching = true;
    for (const token of prompt) {
      let next = node.get(token);
      if (next === undefined) {
        matching = false;
        next = new Map();
        node.set(token, next);
      } else if (matching) shared++;
      node = next;
    }
    total += prompt.length - Math.min(shared, prompt.length - 1);
  }
  return total;
}
