import type { LocalLM } from '@x/runtime';

/**
 * Makes `lm`'s greedy output a given answer: from the prompt's last position on, each logits row
 * gets a large bonus on the answer's next token. The synthetic models have random weights, so
 * they never copy from their context; steered this way the engine does its real work per step (the
 * same forward passes, the same verify of k + 1 tokens), while the output, and so what prompt
 * lookup can draft, is that of a model that extracts correctly. Plain and drafted runs are steered
 * alike, so their greedy tokens must still be identical. Returns a function that removes the steer.
 */
export function steerToAnswer(lm: LocalLM, promptLength: number, answer: readonly number[]): () => void {
  const { engine } = lm;
  const forward = engine.forward;
  const bound = forward.bind(engine);
  const bonus = 1e4;
  engine.forward = async (batch, signal) => {
    const starts = batch.map((request) => engine.sequenceLength(request.seq));
    const logits = await bound(batch, signal);
    batch.forEach((request, i) => {
      const rows = logits[i]!;
      const count = request.logitsFor === 'all' ? request.tokens.length : 1;
      const width = rows.length / count;
      const firstPosition = starts[i]! + request.tokens.length - count;
      for (let row = 0; row < count; row++) {
        const next = firstPosition + row - (promptLength - 1);
        if (next >= 0 && next < answer.length) rows[row * width + answer[next]!]! += bonus;
      }
    });
    return logits;
  };
  return () => {
    engine.forward = forward;
  };
}
