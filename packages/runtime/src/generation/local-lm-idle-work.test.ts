import path from 'node:path';
import { ChatAdapter, Signature } from '@x/core';
import { describe, expect, it } from 'vitest';
import type { ForwardOptions, ForwardRequest } from '../engine/engine.js';
import { loadTokenizer } from '../tokenizer/load-tokenizer.js';
import { vocabDir } from '../tokenizer/testing/vocab-dir.js';
import type { ConstraintCompiler } from './constraint-compiler.js';
import { LocalLM } from './local-lm.js';
import { FakeEngine } from './testing/fake-engine.js';

describe('LocalLM idle work', () => {
  it("makes a first constrained call's token trie while the engine computes its prompt, with the same tokens", async () => {
    const tokenizer = await loadTokenizer(path.join(vocabDir, 'ggml-vocab-llama-spm.gguf'));
    const signature = Signature.from('question -> answer');
    const run = async (prepareFirst: boolean) => {
      const engine = new FakeEngine({ vocabSize: tokenizer.vocabSize, contextLength: 2048, delayMs: 20 });
      const lm = new LocalLM({ engine, tokenizer, chatTemplate: 'chatml' });
      const { constraints } = lm as unknown as { constraints: ConstraintCompiler };
      // Whether the trie was still to be made when each forward call started and when it answered.
      const preparing: Array<[boolean, boolean]> = [];
      const forward = engine.forward.bind(engine);
      engine.forward = async (batch: ForwardRequest[], signal?: AbortSignal, options?: ForwardOptions) => {
        if (prepareFirst) constraints.prepare();
        const before = constraints.preparing;
        const rows = await forward(batch, signal, options);
        preparing.push([before, constraints.preparing]);
        return rows;
      };
      const outcome = await new ChatAdapter({ fallbackToJSON: false }).call(
        lm,
        signature,
        [],
        { question: 'What is 2 + 3?' },
        { maxTokens: 12 },
      );
      return { preparing, tokens: outcome.result.tokenIds };
    };
    const overlapped = await run(false);
    // the first call (the prompt) starts before the trie is made, and it is made before that call answers
    expect(overlapped.preparing[0]).toEqual([true, false]);
    expect(overlapped.preparing.slice(1).every(([before]) => !before)).toBe(true);
    // the tokens are those of a run whose trie was made first
    const prepared = await run(true);
    expect(prepared.preparing[0]).toEqual([false, false]);
    expect(overlapped.tokens).toEqual(prepared.tokens);
    expect(overlapped.tokens?.length).toBeGreaterThan(0);
  });
});
