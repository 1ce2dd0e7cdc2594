import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JSONAdapter } from '../adapters/json-adapter.js';
import { Predict } from '../modules/predict.js';
import { FakeServer, sendJSON } from '../remote/__fixtures__/fake-server.js';
import { OpenAILM } from '../remote/openai-lm.js';
import { Signature } from '../signature/signature.js';
import { Tool } from '../tools/tool.js';
import { ToolCalls } from '../tools/tool-calls.js';
import { withCache } from './cached-lm.js';

let server: FakeServer;
beforeAll(async () => {
  server = await FakeServer.start();
  server.handle((_request, response) =>
    sendJSON(response, 200, {
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: null,
            tool_calls: [
              { id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"city": "Oslo"}' } },
            ],
          },
          finish_reason: 'tool_calls',
        },
      ],
      usage: { prompt_tokens: 10, completion_tokens: 5 },
    }),
  );
});
afterAll(() => server.close());

const signature = Signature.from('question: str, tools: list[Tool] -> answer: str, tool_calls: ToolCalls');
const lookup = (desc: string) =>
  new Tool({
    name: 'lookup',
    desc,
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    execute: ({ city }) => `${city}: sunny`,
  });
const messages = [{ role: 'user' as const, content: 'Weather in Oslo?' }];
const tool = lookup('Weather of a city.').toDefinition();

describe('CachedLM with tools (native function calling)', () => {
  it('keeps native function calling, and answers a repeated tool call from the cache with its tool calls', async () => {
    const lm = withCache(new OpenAILM({ baseURL: server.baseURL, model: 'tiny', tokenizeURL: false }));
    expect(lm.supportsFunctionCalling).toBe(true);
    const predict = new Predict(signature, { lm, adapter: new JSONAdapter() });
    const before = server.requests.length;
    const first = await predict.forward({
      question: 'Weather in Oslo?',
      tools: [lookup('Weather of a city.')],
    });
    const again = await predict.forward({
      question: 'Weather in Oslo?',
      tools: [lookup('Weather of a city.')],
    });
    expect(server.requests.length - before).toBe(1);
    expect((server.requests.at(-1)!.body as { tools?: unknown[] }).tools).toHaveLength(1);
    expect(again.tool_calls).toBeInstanceOf(ToolCalls);
    expect((again.tool_calls as ToolCalls).toolCalls).toEqual((first.tool_calls as ToolCalls).toolCalls);
    expect((again.tool_calls as ToolCalls).toolCalls).toEqual([
      { id: 'call_1', name: 'lookup', args: { city: 'Oslo' } },
    ]);
    // A tool described differently is a different request.
    await predict.forward({ question: 'Weather in Oslo?', tools: [lookup('The weather.')] });
    expect(server.requests.length - before).toBe(2);
  });

  it('keys on tools, toolChoice and the LM default options', async () => {
    const lm = withCache(new OpenAILM({ baseURL: server.baseURL, model: 'tiny', tokenizeURL: false }));
    const before = server.requests.length;
    await lm.generate(messages, { tools: [tool] });
    await lm.generate(messages, { tools: [tool] });
    expect(server.requests.length - before).toBe(1);
    await lm.generate(messages, { tools: [tool], toolChoice: 'required' });
    await lm.generate(messages, { tools: [tool], toolChoice: 'auto' });
    await lm.generate(messages);
    expect(server.requests.length - before).toBe(4);
    expect((server.requests.at(-3)!.body as { tool_choice?: string }).tool_choice).toBe('required');

    // Two LMs for one model with different configured temperatures share a cache but not answers.
    const warm = withCache(
      new OpenAILM({
        baseURL: server.baseURL,
        model: 'tiny',
        tokenizeURL: false,
        defaults: { temperature: 1 },
      }),
      lm.cache,
    );
    await warm.generate(messages);
    expect(server.requests.length - before).toBe(5);
    // A call option equal to the default is the same request.
    await warm.generate(messages, { temperature: 1 });
    await lm.generate(messages, { temperature: 1 });
    expect(server.requests.length - before).toBe(5);
  });
});
