import path from 'node:path';
import { ChatAdapter, JSONAdapter, ReAct, Tool } from '@x/core';
import { describe, expect, it } from 'vitest';
import { ReferenceEngine } from '../reference/reference-engine.js';
import { randomModel, TINY_SHAPE } from '../reference/testing/random-model.js';
import { toReferenceModel } from '../reference/testing/random-reference-model.js';
import { loadTokenizer } from '../tokenizer/load-tokenizer.js';
import { vocabDir } from '../tokenizer/testing/vocab-dir.js';
import { LocalLM } from './local-lm.js';

describe('ReAct on a random-weight local model under the adapter grammar', () => {
  it.each([{ adapter: new ChatAdapter({ fallbackToJSON: false }) }, { adapter: new JSONAdapter() }])(
    'every step is a parsable tool call ($adapter.name)',
    async ({ adapter }) => {
      const tokenizer = await loadTokenizer(path.join(vocabDir, 'ggml-vocab-llama-spm.gguf'));
      const shape = {
        ...TINY_SHAPE,
        vocabSize: tokenizer.vocabSize,
        embeddingLength: 32,
        feedForwardLength: 48,
        contextLength: 4096,
      };
      const engine = new ReferenceEngine(
        toReferenceModel(randomModel('llama', { shape, seed: 7, std: 0.5 })),
      );
      const lm = new LocalLM({ engine, tokenizer, chatTemplate: 'chatml' });
      const calls: unknown[] = [];
      const search = new Tool({
        name: 'search',
        desc: 'Searches the web.',
        parameters: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] },
        execute: (args: Record<string, unknown>) => {
          calls.push(args);
          return 'no results';
        },
      });
      try {
        const agent = new ReAct('question -> answer: int', { tools: [search], lm, adapter, maxIters: 3 });
        const prediction = await agent.forward(
          { question: 'How many cats?' },
          { maxTokens: 48, temperature: 1, seed: 11 },
        );
        const trajectory = prediction.trajectory;
        // A step that did not parse would end the loop before tool_name_0 was written.
        expect(['search', 'finish']).toContain(trajectory.tool_name_0);
        for (const [key, value] of Object.entries(trajectory))
          if (key.startsWith('tool_args_')) expect(typeof value === 'object' && value !== null).toBe(true);
        const steps = Object.keys(trajectory).filter((key) => key.startsWith('tool_name_'));
        const searches = steps.filter((key) => trajectory[key] === 'search');
        // Each search step ran the tool, or failed in its argument check with an observation saying so.
        const refused = searches.filter((key) =>
          String(trajectory[key.replace('tool_name_', 'observation_')]).startsWith('Execution error'),
        );
        expect(calls.length + refused.length).toBe(searches.length);
        expect(Number.isInteger(prediction.answer)).toBe(true);
      } finally {
        await lm.dispose();
      }
    },
    300_000,
  );
});
