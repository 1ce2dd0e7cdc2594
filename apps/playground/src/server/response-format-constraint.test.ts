import { GrammarError } from '@x/core';
import { loadLM } from '@x/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpenAIServer } from '../../test/start-openai-server.js';
import { defaultModelPath } from '../backends.js';
import { responseFormatConstraint } from './response-format-constraint.js';

const schema = {
  type: 'object',
  properties: {
    name: { type: 'string', maxLength: 20 },
    age: { type: 'integer' },
    mood: { enum: ['happy', 'sad'] },
    toys: { type: 'array', items: { type: 'string', maxLength: 10 }, maxItems: 2 },
  },
  required: ['name', 'age', 'mood', 'toys'],
  additionalProperties: false,
};

describe('responseFormatConstraint', () => {
  it('maps text, json_object and json_schema, and refuses what it cannot enforce', () => {
    expect(responseFormatConstraint(undefined)).toBeUndefined();
    expect(responseFormatConstraint({ type: 'text' })).toBeUndefined();
    expect(responseFormatConstraint({ type: 'json_object' })?.name).toBe('json_object');
    const constraint = responseFormatConstraint({
      type: 'json_schema',
      json_schema: { name: 'p', schema, strict: true },
    });
    expect(constraint).toMatchObject({ name: 'p', jsonSchema: schema, strict: true });
    expect(() => responseFormatConstraint({ type: 'yaml' })).toThrowError(GrammarError);
    expect(() =>
      responseFormatConstraint({
        type: 'json_schema',
        json_schema: { schema: { type: 'string', pattern: 'a' } },
      }),
    ).toThrowError(GrammarError);
  });
});

describe('playground serve with response_format (stories260K, reference engine)', () => {
  let base: string;
  let close: () => Promise<void>;
  beforeAll(async () => {
    const lm = await loadLM(defaultModelPath);
    const server = await startOpenAIServer(lm, { name: 'stories' });
    base = server.base;
    close = async () => {
      await server.close();
      await lm.dispose();
    };
  });
  afterAll(() => close());

  const post = (body: Record<string, unknown>) =>
    fetch(`${base}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        messages: [{ role: 'user', content: 'Who is Lily?' }],
        max_tokens: 80,
        ...body,
      }),
    });

  const checkDocument = (text: string) => {
    const document = JSON.parse(text) as Record<string, unknown>;
    expect(Object.keys(document)).toEqual(['name', 'age', 'mood', 'toys']);
    expect(Number.isInteger(document.age)).toBe(true);
    expect(['happy', 'sad']).toContain(document.mood);
    expect(Array.isArray(document.toys)).toBe(true);
  };

  it('answers json_schema with a document of that schema, streamed or not', async () => {
    const format = { type: 'json_schema', json_schema: { name: 'person', schema, strict: true } };
    const whole = (await (await post({ response_format: format })).json()) as {
      choices: Array<{ message: { content: string } }>;
    };
    checkDocument(whole.choices[0]!.message.content);
    const streamed = await (
      await post({ response_format: format, stream: true, temperature: 0.9, seed: 4 })
    ).text();
    const text = streamed
      .split('\n\n')
      .filter((event) => event.startsWith('data: {'))
      .map(
        (event) =>
          (JSON.parse(event.slice(6)) as { choices: Array<{ delta: { content?: string } }> }).choices[0]
            ?.delta.content ?? '',
      )
      .join('');
    checkDocument(text);
  });

  it('keeps n and logprobs working under json_schema', async () => {
    const format = { type: 'json_schema', json_schema: { name: 'person', schema, strict: true } };
    const body = (await (
      await post({ response_format: format, n: 3, seed: 2, temperature: 1, logprobs: true, top_logprobs: 1 })
    ).json()) as {
      choices: Array<{
        index: number;
        message: { content: string };
        logprobs: { content: { token: string }[] };
      }>;
    };
    expect(body.choices.map((choice) => choice.index)).toEqual([0, 1, 2]);
    for (const choice of body.choices) {
      checkDocument(choice.message.content);
      const tokens = choice.logprobs.content.map((token) => token.token).join('');
      expect(tokens.trim()).toBe(choice.message.content.trim());
    }
  });

  it('answers json_object with a JSON object and a bad schema with 400', async () => {
    const body = (await (await post({ response_format: { type: 'json_object' } })).json()) as {
      choices: Array<{ message: { content: string } }>;
    };
    const value = JSON.parse(body.choices[0]!.message.content) as unknown;
    expect(typeof value === 'object' && value !== null && !Array.isArray(value)).toBe(true);
    const bad = await post({
      response_format: { type: 'json_schema', json_schema: { schema: { type: 'integer', minimum: 1 } } },
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('invalid_response_format');
  });
});
