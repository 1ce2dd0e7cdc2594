import type { LM } from '@x/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultModelPath, loadBackend } from '../src/backends.js';
import { postJson, startOpenAIServer, type TestServer } from './start-openai-server.js';

// /metrics over a real LocalLM (bundled stories260K, reference engine): the scheduler's queue depth and
// KV use reach Prometheus, not only the numbers of a fake LM's stats.
let lm: LM;
let server: TestServer;
beforeAll(async () => {
  lm = await loadBackend('reference', defaultModelPath, { threads: 1 });
  server = await startOpenAIServer(lm, { name: 'stories260K' });
});
afterAll(async () => {
  await server.close();
  await lm.dispose();
});

const sample = (text: string, name: string) => {
  const line = text.split('\n').find((row) => row.startsWith(`${name}{model="stories260K"} `));
  return line === undefined ? undefined : Number(line.split(' ').at(-1));
};

describe('/metrics over a local model', () => {
  it("exports the scheduler's queue depth and KV slots, and counts the tokens it generated", async () => {
    const answers = await Promise.all(
      [1, 2, 3].map(async (seed) => {
        const response = await postJson(`${server.base}/completions`, {
          prompt: 'Once upon a time',
          max_tokens: 8,
          temperature: 1,
          seed,
        });
        expect(response.status).toBe(200);
        return (await response.json()) as { usage: { completion_tokens: number } };
      }),
    );
    const text = await (await fetch(`${server.origin}/metrics`)).text();
    expect(text).toContain('# TYPE x_completion_tokens_total counter');
    const generated = answers.reduce((sum, answer) => sum + answer.usage.completion_tokens, 0);
    expect(text).toContain(`x_completion_tokens_total ${generated}`);
    expect(sample(text, 'x_lm_queue_depth')).toBe(0);
    expect(sample(text, 'x_lm_active_requests')).toBe(0);
    const slots = sample(text, 'x_lm_kv_slots');
    expect(slots).toBeGreaterThan(0);
    // Idle: only prefix-cache entries may still hold sequences.
    expect(sample(text, 'x_lm_kv_slots_in_use')).toBe(sample(text, 'x_lm_prefix_cache_entries'));
    expect(sample(text, 'x_lm_kv_slots_in_use')).toBeLessThanOrEqual(slots!);
    // No KV budget here: the preemption counters are listed, at zero.
    expect(sample(text, 'x_lm_preemptions')).toBe(0);
    expect(sample(text, 'x_lm_recomputed_tokens')).toBe(0);
  });
});
