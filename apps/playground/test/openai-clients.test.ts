import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { LM } from '@x/core';
import { generateObject, generateText, Output, streamText } from 'ai';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defaultModelPath, loadBackend } from '../src/backends.js';
import { startOpenAIServer, type TestServer } from './start-openai-server.js';

// The real third-party clients against `serve`'s server on 127.0.0.1, over the bundled stories260K.
let lm: LM;
let server: TestServer;
let client: OpenAI;
beforeAll(async () => {
  lm = await loadBackend('reference', defaultModelPath, { threads: 1 });
  server = await startOpenAIServer(lm, { name: 'stories260K' });
  client = new OpenAI({ baseURL: server.base, apiKey: 'unused', maxRetries: 0 });
});
afterAll(async () => {
  await server.close();
  await lm.dispose();
});

const messages = [{ role: 'user' as const, content: 'Once upon a time' }];

describe('the openai npm client', () => {
  it('lists and retrieves the model', async () => {
    const list = await client.models.list();
    expect(list.data.map((model) => model.id)).toEqual(['stories260K']);
    expect((await client.models.retrieve('stories260K')).id).toBe('stories260K');
    await expect(client.models.retrieve('gpt-4o')).rejects.toMatchObject({
      status: 404,
      code: 'model_not_found',
    });
  });

  it('gets a chat completion, and the same tokens streamed with the same seed', async () => {
    const request = { model: 'stories260K', messages, max_tokens: 12, temperature: 0.8, seed: 42 };
    const whole = await client.chat.completions.create({ ...request, logprobs: true, top_logprobs: 2 });
    const choice = whole.choices[0]!;
    expect(choice.message.content!.length).toBeGreaterThan(0);
    const tokens = choice.logprobs!.content!;
    expect(tokens).toHaveLength(whole.usage!.completion_tokens - (choice.finish_reason === 'stop' ? 1 : 0));
    for (const token of tokens) {
      expect(token.logprob).toBeLessThanOrEqual(0);
      expect(token.top_logprobs).toHaveLength(2);
      expect(token.top_logprobs[0]!.logprob).toBeGreaterThanOrEqual(token.logprob);
    }
    const stream = await client.chat.completions.create({ ...request, logprobs: true, stream: true });
    let text = '';
    const streamed: number[][] = [];
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      for (const token of chunk.choices[0]?.logprobs?.content ?? []) streamed.push(token.bytes!);
    }
    expect(text).toBe(choice.message.content);
    expect(streamed).toEqual(tokens.map((token) => token.bytes));
  });

  it('gets n completions with logprobs', async () => {
    const completion = await client.completions.create({
      model: 'stories260K',
      prompt: 'Lily went',
      max_tokens: 6,
      n: 2,
      seed: 3,
      temperature: 1,
      logprobs: 1,
    });
    expect(completion.choices.map((choice) => choice.index)).toEqual([0, 1]);
    const logprobs = completion.choices[0]!.logprobs!;
    // The stream decoder drops the first piece's SentencePiece space; the token bytes keep it.
    expect(logprobs.tokens!.join('').trimStart()).toBe(completion.choices[0]!.text.trimStart());
    expect(logprobs.top_logprobs![0]).toBeTypeOf('object');
  });

  it('surfaces a bad parameter as a 400 BadRequestError with its param', async () => {
    const bad = client.chat.completions.create({ model: 'stories260K', messages, temperature: -1 });
    await expect(bad).rejects.toBeInstanceOf(OpenAI.BadRequestError);
    await expect(bad).rejects.toMatchObject({
      status: 400,
      param: 'temperature',
      type: 'invalid_request_error',
    });
  });
});

describe('the Vercel AI SDK (openai-compatible provider)', () => {
  const provider = () => createOpenAICompatible({ name: 'x', baseURL: server.base, includeUsage: true });

  it('generates text with usage', async () => {
    const result = await generateText({
      model: provider()('stories260K'),
      prompt: 'Once upon a time',
      maxOutputTokens: 10,
      temperature: 0,
    });
    expect(result.text.length).toBeGreaterThan(0);
    expect(result.usage.outputTokens).toBeGreaterThan(0);
  });

  it('streams text that matches the non-streamed call', async () => {
    const options = {
      model: provider()('stories260K'),
      prompt: 'Lily and Ben',
      maxOutputTokens: 10,
      temperature: 0,
    };
    const whole = await generateText(options);
    const stream = streamText(options);
    let text = '';
    for await (const delta of stream.textStream) text += delta;
    expect(text).toBe(whole.text);
    expect((await stream.usage).outputTokens).toBe(whole.usage.outputTokens);
  });
});

describe('the Vercel AI SDK with structured outputs', () => {
  const model = () =>
    createOpenAICompatible({ name: 'x', baseURL: server.base, supportsStructuredOutputs: true })(
      'stories260K',
    );
  const schema = z.object({
    name: z.string().max(16),
    age: z.number().int(),
    mood: z.enum(['happy', 'sad']),
  });

  it('generateObject gets a validated object through json_schema', async () => {
    const result = await generateObject({
      model: model(),
      schema,
      prompt: 'Who is Lily?',
      maxOutputTokens: 120,
      temperature: 0,
    });
    expect(schema.parse(result.object)).toEqual(result.object);
    expect(['happy', 'sad']).toContain(result.object.mood);
  });

  it('generateText with Output.object gets the same kind of object', async () => {
    const result = await generateText({
      model: model(),
      output: Output.object({ schema }),
      prompt: 'Who is Ben?',
      maxOutputTokens: 120,
      temperature: 0.8,
      seed: 5,
    });
    expect(Number.isInteger(result.output.age)).toBe(true);
    expect(['happy', 'sad']).toContain(result.output.mood);
  });
});
