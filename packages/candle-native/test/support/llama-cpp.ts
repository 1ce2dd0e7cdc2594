import { getLlama } from 'node-llama-cpp';

/** node-llama-cpp's greedy continuation of `tokens` (BOS included by the caller): the oracle. */
export async function llamaCppGreedy(modelPath: string, tokens: number[], steps: number): Promise<number[]> {
  const llama = await getLlama({ gpu: false, build: 'never' });
  const model = await llama.loadModel({ modelPath });
  const context = await model.createContext({ contextSize: 256, threads: 1 });
  try {
    const generated: number[] = [];
    for await (const token of context.getSequence().evaluate(tokens as never, { temperature: 0 })) {
      generated.push(token as number);
      if (generated.length === steps) break;
    }
    return generated;
  } finally {
    await context.dispose();
    await model.dispose();
    await llama.dispose();
  }
}

export async function llamaCppBos(modelPath: string): Promise<number> {
  const llama = await getLlama({ gpu: false, build: 'never' });
  const model = await llama.loadModel({ modelPath });
  const bos = model.tokens.bos;
  await model.dispose();
  await llama.dispose();
  if (bos === null) throw new Error(`${modelPath} has no BOS token`);
  return bos as number;
}
