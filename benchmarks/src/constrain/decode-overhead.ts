import { loadLM } from '@x/candle-native';
import { jsonSchemaGrammar } from '@x/core';
import { getLlama, LlamaGrammarEvaluationState } from 'node-llama-cpp';
import { benchSchema } from './bench-schema.ts';

export interface DecodeOverhead {
  freeTokensPerSecond: number;
  constrainedTokensPerSecond: number;
  tokens: number;
}

const prompt = 'Once upon a time, a girl named Lily wrote down who she was:';

/** Our native engine: the same prompt decoded freely and within the schema's grammar (greedy). */
export async function measureNative(model: string, threads: number, tokens: number): Promise<DecodeOverhead> {
  // Prompt lookup off: on random weights free greedy text repeats itself and its drafts are accepted,
  // which would measure speculative decoding instead of what the grammar costs.
  const lm = await loadLM(model, { threads, promptLookupMaxBatch: 0 });
  try {
    const constraint = { name: 'bench', grammar: jsonSchemaGrammar(benchSchema) };
    const run = async (constrained: boolean) => {
      const result = await lm.complete(prompt, {
        maxTokens: tokens,
        ...(constrained ? { constraint } : {}),
      });
      return result.timings.tokensPerSecond;
    };
    await run(true); // warm-up: builds the masks of the states greedy decoding meets
    await run(false);
    return { freeTokensPerSecond: await run(false), constrainedTokensPerSecond: await run(true), tokens };
  } finally {
    await lm.dispose();
  }
}

/** node-llama-cpp on the same file: its JSON-schema grammar against free decoding (greedy). */
export async function measureLlamaCpp(
  model: string,
  threads: number,
  tokens: number,
): Promise<DecodeOverhead> {
  const llama = await getLlama({ gpu: false, build: 'never', logLevel: 'error' as never });
  const loaded = await llama.loadModel({ modelPath: model });
  const context = await loaded.createContext({ contextSize: 512, threads });
  const grammar = await llama.createGrammarForJsonSchema(benchSchema as never);
  const promptTokens = loaded.tokenize(prompt);
  const run = async (constrained: boolean) => {
    const sequence = context.getSequence();
    let generated = 0;
    let firstAt = 0;
    const options = {
      temperature: 0,
      ...(constrained
        ? { grammarEvaluationState: new LlamaGrammarEvaluationState({ model: loaded, grammar }) }
        : {}),
    };
    for await (const token of sequence.evaluate(promptTokens, options)) {
      generated++;
      if (generated === 1) firstAt = performance.now();
      if (generated >= tokens || token === loaded.tokens.eos) break;
    }
    const seconds = (performance.now() - firstAt) / 1000;
    sequence.dispose();
    return (generated - 1) / seconds;
  };
  try {
    await run(true);
    await run(false);
    return { freeTokensPerSecond: await run(false), constrainedTokensPerSecond: await run(true), tokens };
  } finally {
    await context.dispose();
    await loaded.dispose();
  }
}
