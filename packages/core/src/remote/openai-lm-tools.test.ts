import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JSONAdapter } from '../adapters/json-adapter.js';
import { Predict } from '../modules/predict.js';
import { Signature } from '../signature/signature.js';
import { Tool } from '../tools/tool.js';
import { ToolCalls } from '../tools/tool-calls.js';
import { FakeServer, sendJSON, sendSSE } from './__fixtures__/fake-server.js';
import { OpenAILM } from './openai-lm.js';

let server: FakeServer;
beforeAll(async () => {
  server = await FakeServer.start();
});
afterAll(() => server.close());

const getWeather = new Tool({
  name: 'get_weather',
  desc: 'Get the weather for a city.',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  execute: ({ city }) => `sunny in ${city}`,
});
const signature = Signature.from('question: str, tools: list[Tool] -> answer: str, tool_calls: ToolCalls');
const toolCall = {
  id: 'call_1',
  type: 'function',
  function: { name: 'get_weather', arguments: '{"city": "Paris"}' },
};

describe('native function calling on OpenAILM (dspy/adapters/base.py _call_preprocess/_call_postprocess)', () => {
  it('sends the tools as `tools`, leaves them out of the prompt, and reads tool_calls back', async () => {
    server.handle((_request, response) =>
      sendJSON(response, 200, {
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: null, tool_calls: [toolCall] },
            finish_reason: 'tool_calls',
          },
        ],
        usage: { prompt_tokens: 10, completion_tokens: 5 },
      }),
    );
    const lm = new OpenAILM({ baseURL: server.baseURL, model: 'tiny', tokenizeURL: false });
    expect(lm.supportsFunctionCalling).toBe(true);
    // JSONAdapter's `use_native_function_calling` defaults to True in DSPy 3.3.1.
    const predict = new Predict(signature, { lm, adapter: new JSONAdapter() });
    const prediction = await predict.forward({ question: 'Weather in Paris?', tools: [getWeather] });

    const body = server.requests[0]!.body as { tools: unknown; messages: { content: string }[] };
    // Tool.format_as_litellm_function_call() of `def get_weather(city: str)`:
    expect(body.tools).toEqual([
      {
        type: 'function',
        function: {
          name: 'get_weather',
          description: 'Get the weather for a city.',
          parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
        },
      },
    ]);
    // `signature.delete(...)` keeps the instructions, so only the field sections go.
    expect(body.messages[0]!.content).not.toContain('[[ ## tool_calls ## ]]');
    expect(body.messages[0]!.content).not.toContain('[[ ## tools ## ]]');
    expect(body.messages.at(-1)!.content).toBe(
      '[[ ## question ## ]]\nWeather in Paris?\n\nRespond with a JSON object in the following order of fields: `answer`.',
    );
    expect(prediction.answer).toBeNull();
    expect(prediction.tool_calls).toBeInstanceOf(ToolCalls);
    const calls = prediction.tool_calls as ToolCalls;
    expect(calls.toolCalls).toEqual([{ id: 'call_1', name: 'get_weather', args: { city: 'Paris' } }]);
    expect(await calls.execute([getWeather])).toEqual(['sunny in Paris']);

    const events = [];
    for await (const event of predict.stream({ question: 'Weather in Paris?', tools: [getWeather] }))
      events.push(event);
    expect(events).toHaveLength(1);
    expect(events[0]!.type).toBe('prediction');
    expect((server.requests.at(-1)!.body as { tools?: unknown[] }).tools).toHaveLength(1);
  });

  it('assembles streamed tool-call pieces', async () => {
    const piece = (delta: unknown, finish: string | null = null) =>
      `data: ${JSON.stringify({ choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
    server.handle((_request, response) =>
      sendSSE(response, [
        piece({
          tool_calls: [{ index: 0, id: 'call_9', function: { name: 'get_weather', arguments: '{"ci' } }],
        }),
        piece({ tool_calls: [{ index: 0, function: { arguments: 'ty": "Oslo"}' } }] }),
        piece({}, 'tool_calls'),
        'data: [DONE]\n\n',
      ]),
    );
    const lm = new OpenAILM({ baseURL: server.baseURL, model: 'tiny', tokenizeURL: false });
    const stream = lm.stream([{ role: 'user', content: 'hi' }], { tools: [getWeather.toDefinition()] });
    for await (const _ of stream) {
    }
    expect((await stream.result).toolCalls).toEqual([
      { id: 'call_9', name: 'get_weather', arguments: '{"city": "Oslo"}' },
    ]);
    expect((server.requests[0]!.body as { tools: unknown[] }).tools).toHaveLength(1);
  });

  it('keeps the text protocol when native calling is off (ChatAdapter default) or unsupported', async () => {
    const calls = '{"tool_calls": [{"name": "get_weather", "args": {"city": "Rome"}}]}';
    const chatReply = `[[ ## answer ## ]]\nok\n\n[[ ## tool_calls ## ]]\n${calls}\n\n[[ ## completed ## ]]`;
    const jsonReply = `{"answer": "ok", "tool_calls": ${calls}}`;
    server.handle((request, response) => {
      const messages = (request.body as { messages: { content: string }[] }).messages;
      const content = messages[0]!.content.includes('Outputs will be a JSON object') ? jsonReply : chatReply;
      sendJSON(response, 200, {
        choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
      });
    });
    const lm = new OpenAILM({
      baseURL: server.baseURL,
      model: 'tiny',
      tokenizeURL: false,
      functionCalling: false,
    });
    for (const adapter of [undefined, new JSONAdapter()]) {
      const predict = new Predict(signature, { lm, ...(adapter ? { adapter } : {}) });
      server.requests.length = 0;
      const prediction = await predict.forward({ question: 'Weather in Rome?', tools: [getWeather] });
      expect((prediction.tool_calls as ToolCalls).toolCalls).toEqual([
        { name: 'get_weather', args: { city: 'Rome' } },
      ]);
      const body = server.requests[0]!.body as { tools?: unknown; messages: { content: string }[] };
      expect(body.tools).toBeUndefined();
      expect(body.messages.at(-1)!.content).toContain('[[ ## tools ## ]]\n["get_weather, whose description');
    }
  });
});
