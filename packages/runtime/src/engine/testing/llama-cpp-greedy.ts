import type { Llama, LlamaModel } from 'node-llama-cpp';

let llama: Promise<Llama> | undefined;

async function withModel<T>(modelPath: string, use: (model: LlamaModel) => Promise<T>): Promise<T> {
  // Imported when first used: node-llama-cpp is an ES module with top-level await, which a CJS
  // require() of this entry cannot load eagerly.
  llama ??= import('node-llama-cpp').then(({ getLlama }) =>
    getLlama({ gpu: false, build: 'never', logLevel: 'error' as never }),
  );
  const model = await (await llama).loadModel({ modelPath });
  try {
    return await use(model);
  } finally {
    await model.dispose();
  }
}

/**
 * node-llama-cpp's greedy continuation of `tokens` (llama.cpp on the CPU, one thread, BOS included by
 * the caller): the oracle. End-of-generation tokens are yielded like any other, so `count` tokens come back.
 */
export async function llamaCppGreedy(modelPath: string, tokens: number[], count: number): Promise<number[]> {
  return withModel(modelPath, async (model) => {
    const context = await model.createContext({ contextSize: 256, threads: 1 });
    try {
      const generated: number[] = [];
      for await (const token of context
        .getSequence()
        .evaluate(tokens as never, { temperature: 0, yieldEogToken: true })) {
        generated.push(token as number);
        if (generated.length >= count) break;
      }
      return generated;
    } finally {
      await context.dispose();
    }
  });
}

/** The BOS token id llama.cpp reads from the file. */
export async function llamaCppBos(modelPath: string): Promise<number> {
  const bos = await withModel(modelPath, async (model) => model.tokens.bos);
  if (bos === null) throw new Error(`${modelPath} has no BOS token`);
  return bos as number;
}
