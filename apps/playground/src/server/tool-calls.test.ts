import { loadLM } from '@x/runtime';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpenAIServer } from '../../test/start-openai-server.js';
import { defaultModelPath } from '../backends.js';

const weather = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'The weather in a city',
    parameters: {
      type: 'object',
      properties: { city: { type: 'string', maxLength: 16 }, unit: { enum: ['c', 'f'] } },
      required: ['city', 'unit'],
      additionalProperties: false,
    },
  },
};
const time = {
  type: 'function' as const,
  function: { name: 'get_time', parameters: { type: 'object', properties: {}, additionalProperties: false } },
};

describe('playground serve: tools and response_format through the openai client (stories260K)', () => {
  let client: OpenAI;
  let close: () => Promise<void>;
  beforeAll(async () => {
    const lm = await loadLM(defaultModelPath);
    const server = await startOpenAIServer(lm, { name: 'stories' });
    client = new OpenAI({ baseURL: server.base, apiKey: 'none', maxRetries: 0 });
    close = async () => {
      await server.close();
      await lm.dispose();
    };
  });
  afterAll(() => close());

  const messages = [{ role: 'user' as const, content: 'What is the weather in Paris?' }];

  it('answers tool_choice required with an OpenAI-shaped tool call', async () => {
    const completion = await client.chat.completions.create({
      model: 'stories',
      messages,
      tools: [weather, time],
      tool_choice: 'required',
      max_tokens: 60,
    });
    const choice = completion.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    const call = choice.message.tool_calls![0]!;
    expect(call.type).toBe('function');
    if (call.type !== 'function') return;
    expect(['get_weather', 'get_time']).toContain(call.function.name);
    const args = JSON.parse(call.function.arguments) as Record<string, unknown>;
    if (call.function.name === 'get_weather') expect(['c', 'f']).toContain(args.unit);
  });

  it('streams a call to the named function that the client assembles', async () => {
    const stream = await client.chat.completions.create({
      model: 'stories',
      messages,
      tools: [weather, time],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      max_tokens: 60,
      stream: true,
    });
    let name = '';
    let args = '';
    let finish: string | null = null;
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta;
      for (const call of delta?.tool_calls ?? []) {
        name += call.function?.name ?? '';
        args += call.function?.arguments ?? '';
      }
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(name).toBe('get_weather');
    expect(finish).toBe('tool_calls');
    const parsed = JSON.parse(args) as { city: unknown; unit: unknown };
    expect(typeof parsed.city).toBe('string');
    expect(['c', 'f']).toContain(parsed.unit);
  });

  it('lets tool_choice none answer in text and json_schema answer a valid document', async () => {
    const none = await client.chat.completions.create({
      model: 'stories',
      messages,
      tools: [weather],
      tool_choice: 'none',
      max_tokens: 16,
    });
    expect(none.choices[0]!.message.tool_calls ?? []).toEqual([]);
    const structured = await client.chat.completions.create({
      model: 'stories',
      messages,
      max_tokens: 60,
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'weather', schema: weather.function.parameters, strict: true },
      },
    });
    const document = JSON.parse(structured.choices[0]!.message.content!) as { unit: unknown };
    expect(['c', 'f']).toContain(document.unit);
  });

  it("works with the client's chat.completions.parse on a strict json_schema", async () => {
    const completion = await client.chat.completions.parse({
      model: 'stories',
      messages,
      // The client refuses to parse a finish_reason of length, so leave room to finish.
      max_tokens: 200,
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'weather', schema: weather.function.parameters, strict: true },
      },
    });
    const parsed = completion.choices[0]!.message.parsed as { city: unknown; unit: unknown } | null;
    expect(typeof parsed?.city).toBe('string');
    expect(['c', 'f']).toContain(parsed?.unit);
  });

  it('gives each of n choices its own call, with logprobs, streamed or not', async () => {
    const request = {
      model: 'stories',
      messages,
      tools: [weather, time],
      tool_choice: 'required' as const,
      max_tokens: 60,
      n: 2,
      seed: 9,
      temperature: 1,
      logprobs: true,
      top_logprobs: 2,
    };
    const whole = await client.chat.completions.create(request);
    expect(whole.choices.map((choice) => choice.index)).toEqual([0, 1]);
    for (const choice of whole.choices) {
      expect(choice.finish_reason).toBe('tool_calls');
      const call = choice.message.tool_calls![0]!;
      if (call.type !== 'function') throw new Error('not a function call');
      expect(typeof JSON.parse(call.function.arguments)).toBe('object');
      expect(choice.logprobs!.content!.length).toBeGreaterThan(0);
      for (const token of choice.logprobs!.content!) expect(token.top_logprobs.length).toBeLessThanOrEqual(2);
    }
    const stream = await client.chat.completions.create({ ...request, stream: true });
    const calls = new Map<number, { name: string; args: string; logprobs: number; finish?: string }>();
    for await (const chunk of stream) {
      const choice = chunk.choices[0];
      if (!choice) continue;
      const entry = calls.get(choice.index) ?? { name: '', args: '', logprobs: 0 };
      for (const call of choice.delta.tool_calls ?? []) {
        entry.name += call.function?.name ?? '';
        entry.args += call.function?.arguments ?? '';
      }
      entry.logprobs += choice.logprobs?.content?.length ?? 0;
      if (choice.finish_reason) entry.finish = choice.finish_reason;
      calls.set(choice.index, entry);
    }
    // The same seeds give the same calls as the whole answer, and the same tokens' logprobs.
    whole.choices.forEach((choice, index) => {
      const call = choice.message.tool_calls![0]!;
      if (call.type !== 'function') throw new Error('not a function call');
      expect(calls.get(index)).toEqual({
        name: call.function.name,
        args: call.function.arguments,
        logprobs: choice.logprobs!.content!.length,
        finish: 'tool_calls',
      });
    });
  });

  it('under tool_choice auto answers a call or plain text, the same streamed as whole', async () => {
    const request = { model: 'stories', messages, tools: [weather], max_tokens: 40, temperature: 0 };
    const whole = await client.chat.completions.create(request);
    const choice = whole.choices[0]!;
    const stream = await client.chat.completions.create({ ...request, stream: true });
    let content = '';
    let args = '';
    let finish: string | null = null;
    for await (const chunk of stream) {
      content += chunk.choices[0]?.delta.content ?? '';
      for (const call of chunk.choices[0]?.delta.tool_calls ?? []) args += call.function?.arguments ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(finish).toBe(choice.finish_reason);
    if (choice.finish_reason === 'tool_calls') {
      const call = choice.message.tool_calls![0]!;
      if (call.type !== 'function') throw new Error('not a function call');
      expect(args).toBe(call.function.arguments);
    } else {
      expect(choice.message.tool_calls ?? []).toEqual([]);
      expect(choice.message.content!.trimStart().startsWith('{')).toBe(false);
      expect(content).toBe(choice.message.content);
    }
  });

  it('refuses a tool_choice naming an unknown function', async () => {
    await expect(
      client.chat.completions.create({
        model: 'stories',
        messages,
        tools: [weather],
        tool_choice: { type: 'function', function: { name: 'nope' } },
      }),
    ).rejects.toMatchObject({ status: 400 });
  });
});
