import { getLlama, type Llama } from 'node-llama-cpp';

let llama: Promise<Llama> | undefined;

/** node-llama-cpp's greedy continuation of `tokens` (llama.cpp on the CPU, one thread): the oracle. */
export async function llamaCppGreedy(modelPath: string, tokens: number[], count: number): Promise<number[]> {
  llama ??= getLlama({ gpu: false, build: 'never', logLevel: 'error' as never });
  const model = await (await llama).loadModel({ modelPath });
  try {
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
  } finally {
    await model.dispose();
  }
}
