import { describe, expect, it } from 'vitest';
import { RequestError } from '../http/request-error.js';
import { parseCompletionRequest } from './request-schema.js';

const chat = (extra: Record<string, unknown>) => ({ messages: [{ role: 'user', content: 'hi' }], ...extra });

function rejection(kind: 'chat' | 'completion', body: unknown): { code: string; param: string | null } {
  try {
    parseCompletionRequest(kind, body);
  } catch (error) {
    expect(error).toBeInstanceOf(RequestError);
    expect((error as RequestError).status).toBe(400);
    return { code: (error as RequestError).code, param: (error as RequestError).param };
  }
  throw new Error(`accepted ${JSON.stringify(body)}`);
}

describe('parseCompletionRequest', () => {
  it.each([
    ['max_tokens', -5],
    ['max_tokens', 0],
    ['max_tokens', 1.5],
    ['max_tokens', '10'],
    ['temperature', -1],
    ['temperature', 'hot'],
    ['temperature', Number.POSITIVE_INFINITY],
    ['top_p', 5],
    ['top_k', -3],
    ['seed', 'abc'],
    ['stop', 42],
    ['n', 0],
    ['stream', 'yes'],
  ])('rejects %s = %j naming the parameter', (param, value) => {
    expect(rejection('chat', chat({ [param]: value })).param).toBe(param);
  });

  it('rejects bodies and messages that are not what a chat needs', () => {
    expect(rejection('chat', null).code).toBe('invalid_body');
    expect(rejection('chat', [1]).code).toBe('invalid_body');
    expect(rejection('chat', { messages: [] }).param).toBe('messages');
    expect(rejection('chat', { messages: [null] }).param).toBe('messages[0]');
    expect(rejection('chat', { messages: [{ role: 'user', content: 7 }] }).param).toBe('messages[0].content');
    expect(rejection('chat', { messages: [{ role: 'wizard', content: 'x' }] }).param).toBe(
      'messages[0].role',
    );
    expect(rejection('chat', { prompt: 'x' }).param).toBe('messages');
    expect(rejection('completion', { prompt: [1, 2, 3] }).param).toBe('prompt');
    expect(rejection('completion', { prompt: Array(9).fill('x'), n: 2 }).param).toBe('n');
  });

  it('treats null as the default', () => {
    const request = parseCompletionRequest(
      'chat',
      chat({ temperature: null, max_tokens: null, stop: null, seed: null, n: null, tools: null }),
    );
    expect(request.options.temperature).toBeUndefined();
    expect(request.options.maxTokens).toBeUndefined();
    expect(request.n).toBe(1);
  });

  it('answers unsupported and unknown parameters with a 400 instead of ignoring them', () => {
    expect(rejection('chat', chat({ functions: [{ name: 'f' }] }))).toEqual({
      code: 'unsupported_parameter',
      param: 'functions',
    });
    expect(rejection('completion', { prompt: 'x', response_format: { type: 'json_object' } })).toEqual({
      code: 'unknown_parameter',
      param: 'response_format',
    });
    expect(rejection('completion', { prompt: 'x', echo: true }).param).toBe('echo');
    expect(rejection('chat', chat({ temprature: 0.5 }))).toEqual({
      code: 'unknown_parameter',
      param: 'temprature',
    });
    expect(rejection('chat', chat({ top_logprobs: 3 })).param).toBe('top_logprobs');
    // found by the fuzz: a key named like an Object.prototype member was looked up as a rule
    expect(
      rejection('chat', JSON.parse('{"messages":[{"role":"user","content":"x"}],"__proto__":[]}')),
    ).toEqual({
      code: 'unknown_parameter',
      param: '__proto__',
    });
    expect(rejection('chat', chat({ toString: 1 })).code).toBe('unknown_parameter');
  });

  it('reads response_format and tools into an output constraint, and refuses bad ones as 400s', () => {
    const json = parseCompletionRequest('chat', chat({ response_format: { type: 'json_object' } }));
    expect(json.options.constraint?.name).toBe('json_object');
    expect(json.toolMode).toBeUndefined();
    expect(
      parseCompletionRequest('chat', chat({ response_format: { type: 'text' } })).options.constraint,
    ).toBe(undefined);
    const tool = { type: 'function', function: { name: 'f', parameters: { type: 'object' } } };
    const tools = parseCompletionRequest('chat', chat({ tools: [tool], tool_choice: 'required' }));
    expect(tools.toolMode?.required).toBe(true);
    expect(tools.options.constraint?.name).toBe('tools');
    expect((tools.inputs[0] as { role: string; content: string }[])[0]!.content).toContain('- f; arguments');
    expect(parseCompletionRequest('chat', chat({ tools: [tool], tool_choice: 'none' })).toolMode).toBe(
      undefined,
    );
    expect(rejection('chat', chat({ tools: [{ type: 'function' }] }))).toEqual({
      code: 'invalid_tools',
      param: 'tools',
    });
    expect(rejection('chat', chat({ response_format: { type: 'yaml' } }))).toEqual({
      code: 'invalid_response_format',
      param: 'response_format',
    });
    expect(
      rejection(
        'chat',
        chat({ response_format: { type: 'json_schema', json_schema: { schema: { pattern: 'a' } } } }),
      ).code,
    ).toBe('invalid_response_format');
    expect(rejection('chat', chat({ tools: [tool], response_format: { type: 'json_object' } })).param).toBe(
      'response_format',
    );
  });

  it('joins text parts and refuses image parts with a clear code', () => {
    const request = parseCompletionRequest('chat', {
      messages: [
        {
          role: 'developer',
          content: [
            { type: 'text', text: 'a' },
            { type: 'text', text: 'b' },
          ],
        },
      ],
    });
    expect(request.inputs).toEqual([[{ role: 'system', content: 'a\nb' }]]);
    const image = { type: 'image_url', image_url: { url: 'data:image/png;base64,AA' } };
    expect(rejection('chat', { messages: [{ role: 'user', content: [image] }] })).toEqual({
      code: 'unsupported_content',
      param: 'messages[0].content[0]',
    });
  });

  it('maps OpenAI names onto generate options', () => {
    const request = parseCompletionRequest('completion', {
      prompt: ['a', 'b'],
      max_tokens: 5,
      temperature: 0.7,
      top_p: 0.9,
      seed: 3,
      stop: 'x',
      n: 2,
      logprobs: 2,
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(request).toMatchObject({
      inputs: ['a', 'b'],
      n: 2,
      topLogprobs: 2,
      stream: true,
      includeUsage: true,
    });
    expect(request.options).toMatchObject({
      maxTokens: 5,
      temperature: 0.7,
      topP: 0.9,
      seed: 3,
      stop: ['x'],
    });
    expect(parseCompletionRequest('chat', chat({ logprobs: true })).topLogprobs).toBe(0);
  });
});
