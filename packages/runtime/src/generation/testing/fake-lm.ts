import { LocalLM, type LocalLMOptions } from '../local-lm.js';
import { FakeEngine, type FakeEngineOptions } from './fake-engine.js';
import { FakeTokenizer } from './fake-tokenizer.js';

export interface FakeLM {
  lm: LocalLM;
  engine: FakeEngine;
  tokenizer: FakeTokenizer;
}

/** A LocalLM over the fake engine and tokenizer (vocabulary of 33, see FAKE_VOCABULARY). */
export function createFakeLM(
  engineOptions: Partial<FakeEngineOptions> = {},
  lmOptions: Partial<Omit<LocalLMOptions, 'engine' | 'tokenizer'>> = {},
): FakeLM {
  const tokenizer = new FakeTokenizer();
  const engine = new FakeEngine({ vocabSize: tokenizer.vocabSize, ...engineOptions });
  const lm = new LocalLM({ engine, tokenizer, ...lmOptions });
  return { lm, engine, tokenizer };
}

export async function collect(stream: AsyncIterable<string>): Promise<string[]> {
  const deltas: string[] = [];
  for await (const delta of stream) deltas.push(delta);
  return deltas;
}
