import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedModelsDir } from '../gguf/shared-models-dir.js';
import { loadReferenceEngine } from '../reference/load-reference-engine.js';
import { cachedVersusCold, cachePrompts } from './testing/prefix-cache-exactness.js';

const modelPath = path.join(sharedModelsDir, 'stories260K.gguf');

describe('radix prefix cache on the reference engine (stories260K, F32)', () => {
  it('gives the logits of a cold run on every hit, with room for everything', async () => {
    const engine = await loadReferenceEngine(modelPath, { contextLength: 128 });
    const { hits } = await cachedVersusCold(engine, cachePrompts(engine.info.vocabSize), { maxEntries: 8 });
    expect(hits.filter((hit) => hit.reused > 0).length).toBeGreaterThanOrEqual(6);
    for (const hit of hits) expect(hit.cached).toEqual(hit.cold);
    await engine.dispose();
  });

  it('stays exact when a tight byte budget trims and evicts entries', async () => {
    const engine = await loadReferenceEngine(modelPath, { contextLength: 128 });
    const perToken = engine.info.kvBytesPerToken!;
    const { hits, cache } = await cachedVersusCold(engine, cachePrompts(engine.info.vocabSize), {
      maxEntries: 3,
      maxBytes: 70 * perToken,
    });
    expect(cache.heldTokens).toBeLessThanOrEqual(70);
    expect(hits.filter((hit) => hit.reused > 0).length).toBeGreaterThanOrEqual(4);
    for (const hit of hits) expect(hit.cached).toEqual(hit.cold);
    cache.clear();
    await engine.dispose();
  });
});
