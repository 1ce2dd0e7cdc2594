import { jsonSchemaGrammar } from '@x/core';
import {
  applyTokenMask,
  argmax,
  ConstraintCompiler,
  createPrng,
  GrammarMatcher,
  type Tokenizer,
} from '@x/runtime';
import { benchSchema } from './bench-schema.ts';

export interface MaskCost {
  vocabSize: number;
  /** Compiling the grammar (automaton only; masks are built lazily). */
  compileMs: number;
  /** Per token over the first run, every mask built as its state is met. */
  coldMicros: number;
  /** Per token over the second half of the runs, most masks cached. */
  warmMicros: number;
  states: number;
}

/**
 * What the grammar adds per sampled token on a real vocabulary: mask lookup (or build), the
 * mask applied to a copied logits row, and the automaton step. The draw itself is not counted.
 */
export function measureMaskCost(tokenizer: Tokenizer, runs = 12, maxTokens = 160): MaskCost {
  const compileStart = performance.now();
  const masks = new ConstraintCompiler(tokenizer, tokenizer.vocabSize).masksFor(
    jsonSchemaGrammar(benchSchema),
  );
  const compileMs = performance.now() - compileStart;
  const random = createPrng(1);
  const logits = new Float32Array(tokenizer.vocabSize);
  const row = new Float32Array(tokenizer.vocabSize);
  const stops = tokenizer.stopIds;
  const perRun: Array<{ ms: number; tokens: number }> = [];
  for (let run = 0; run < runs; run++) {
    const matcher = new GrammarMatcher(masks);
    let ms = 0;
    let tokens = 0;
    for (; tokens < maxTokens; tokens++) {
      for (let i = 0; i < logits.length; i++) logits[i] = 4 * random();
      const t0 = performance.now();
      const mask = matcher.mask(maxTokens - tokens);
      row.set(logits);
      applyTokenMask(row, mask);
      const t1 = performance.now();
      const id = argmax(row);
      const t2 = performance.now();
      matcher.advance(id);
      ms += t1 - t0 + (performance.now() - t2);
      if (stops.has(id)) break;
    }
    perRun.push({ ms, tokens: tokens + 1 });
  }
  const micros = (items: typeof perRun) =>
    (1000 * items.reduce((sum, item) => sum + item.ms, 0)) /
    items.reduce((sum, item) => sum + item.tokens, 0);
  return {
    vocabSize: tokenizer.vocabSize,
    compileMs,
    coldMicros: micros(perRun.slice(0, 1)),
    warmMicros: micros(perRun.slice(runs / 2)),
    states: masks.dfa.stateCount,
  };
}
