import type { LM } from '@x/core';
import { ScriptedLM } from '@x/core/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultModelPath, loadBackend } from '../src/backends.js';
import { postJson, startOpenAIServer, type TestServer } from './start-openai-server.js';

// Random JSON against the OpenAI routes: any answer but a 500, and every 4xx body in OpenAI's shape.
const runs = Number(process.env.FUZZ_RUNS ?? 150);
const timeout = 60_000 + runs * 100;

const anyJson = fc.jsonValue({ maxDepth: 3 });
const oddValue = fc.oneof(
  anyJson,
  fc.constantFrom(null, -1, 0, 1, 1.5, 2, 3, 1e308, -0, 'x', '', [], {}, true, 4097, 2 ** 53),
  fc.integer({ min: -5, max: 40 }),
  fc.double({ noNaN: true, min: -3, max: 3 }),
);
const keys = [
  'model',
  'messages',
  'prompt',
  'stream',
  'n',
  'max_tokens',
  'max_completion_tokens',
  'temperature',
  'top_p',
  'top_k',
  'min_p',
  'seed',
  'stop',
  'logprobs',
  'top_logprobs',
  'presence_penalty',
  'frequency_penalty',
  'repetition_penalty',
  'stream_options',
  'tools',
  'response_format',
  'echo',
  'user',
];
const message = fc.record(
  {
    role: fc.oneof(fc.constantFrom('system', 'user', 'assistant', 'developer', 'tool'), anyJson),
    content: oddValue,
  },
  { requiredKeys: [] },
);
// Near-valid bodies find the deep paths; a plain random value finds the shallow ones.
const body = fc.oneof(
  anyJson,
  fc
    .record({
      messages: fc.oneof(
        fc.array(message, { maxLength: 3 }),
        fc.constant([{ role: 'user', content: 'Lily' }]),
        oddValue,
      ),
      prompt: fc.oneof(fc.constant('Once'), oddValue),
      overrides: fc.dictionary(fc.constantFrom(...keys), oddValue, { maxKeys: 4 }),
    })
    .map(({ messages, prompt, overrides }) => ({ messages, prompt, max_tokens: 4, ...overrides })),
);

async function fuzz(server: TestServer, numRuns: number): Promise<Map<number, number>> {
  const statuses = new Map<number, number>();
  await fc.assert(
    fc.asyncProperty(body, fc.boolean(), async (value, chat) => {
      const { max_tokens: maxTokens, ...rest } = (value ?? {}) as Record<string, unknown>;
      // Keep generations short: a huge valid max_tokens is a slow test, not a finding.
      const payload =
        typeof value === 'object' && value !== null && !Array.isArray(value) && typeof maxTokens === 'number'
          ? { ...rest, max_tokens: Math.min(maxTokens, 8) }
          : value;
      const prompt = chat ? { ...((payload as object) ?? {}) } : payload;
      if (!chat && typeof prompt === 'object' && prompt !== null)
        delete (prompt as { messages?: unknown }).messages;
      if (chat && typeof prompt === 'object' && prompt !== null)
        delete (prompt as { prompt?: unknown }).prompt;
      const response = await postJson(
        `${server.base}/${chat ? 'chat/completions' : 'completions'}`,
        JSON.stringify(chat ? prompt : prompt),
      );
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      const text = await response.text();
      expect(response.status, text).not.toBeGreaterThanOrEqual(500);
      if (response.status >= 400) {
        const { error } = JSON.parse(text);
        expect(Object.keys(error).sort()).toEqual(['code', 'message', 'param', 'type']);
      }
    }),
    { numRuns },
  );
  return statuses;
}

describe('request schema fuzz', () => {
  let real: LM;
  const servers: TestServer[] = [];
  beforeAll(async () => {
    real = await loadBackend('reference', defaultModelPath, { threads: 1 });
  });
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.close()));
    await real.dispose();
  });

  it(
    'never answers 500 with a scripted LM',
    async () => {
      const server = await startOpenAIServer(
        new ScriptedLM({ responses: ['a b c'], whenExhausted: 'repeat-last' }),
      );
      servers.push(server);
      const statuses = await fuzz(server, runs * 2);
      expect(statuses.get(200) ?? 0).toBeGreaterThan(0);
      expect(statuses.get(400) ?? 0).toBeGreaterThan(0);
    },
    timeout,
  );

  it(
    'never answers 500 with the real model behind it',
    async () => {
      const server = await startOpenAIServer(real, { name: 'stories260K' });
      servers.push(server);
      const statuses = await fuzz(server, runs);
      expect(statuses.get(200) ?? 0).toBeGreaterThan(0);
    },
    timeout,
  );
});
