import type { ServerResponse } from 'node:http';
import type { GenerateOptions, LM, LMResult, Message } from '@x/core';
import { parseToolCall, type ToolMode, withToolPrompt } from './tool-call-constraint.js';

export interface ChatMeta {
  id: string;
  created: number;
  model: string;
}

const usageOf = (result: LMResult) => ({
  prompt_tokens: result.usage.promptTokens,
  completion_tokens: result.usage.completionTokens,
  total_tokens: result.usage.promptTokens + result.usage.completionTokens,
});

/**
 * A chat completion under `tools`: the answer is generated within the tool-call grammar, then
 * sent as OpenAI-shaped `tool_calls` (finish_reason `tool_calls`) or as plain content. A stream
 * sends the call once it is complete: the role, then the call's id and name, then its arguments.
 */
export async function answerWithTools(
  lm: LM,
  messages: Message[],
  options: GenerateOptions,
  mode: ToolMode,
  stream: boolean,
  meta: ChatMeta,
  response: ServerResponse,
): Promise<void> {
  const result = await lm.generate(withToolPrompt(messages, mode), {
    ...options,
    constraint: { name: 'tools', grammar: mode.grammar },
  });
  const call = parseToolCall(result.text, mode);
  const toolCall = call && { id: `call_${meta.id.slice(-12)}`, type: 'function', function: call };
  const finishReason = call ? 'tool_calls' : result.finishReason;
  const base = { id: meta.id, created: meta.created, model: meta.model };
  if (!stream) {
    const message = toolCall
      ? { role: 'assistant', content: null, tool_calls: [toolCall] }
      : { role: 'assistant', content: result.text };
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify({
        ...base,
        object: 'chat.completion',
        choices: [{ index: 0, message, finish_reason: finishReason }],
        usage: usageOf(result),
      }),
    );
    return;
  }
  response.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  const send = (delta: unknown, finish: string | null = null, extra: Record<string, unknown> = {}) =>
    response.write(
      `data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish }], ...extra })}\n\n`,
    );
  send({ role: 'assistant', content: toolCall ? null : '' });
  if (toolCall) {
    send({
      tool_calls: [
        { index: 0, id: toolCall.id, type: 'function', function: { name: call!.name, arguments: '' } },
      ],
    });
    send({ tool_calls: [{ index: 0, function: { arguments: call!.arguments } }] });
  } else if (result.text) {
    send({ content: result.text });
  }
  send({}, finishReason, { usage: usageOf(result) });
  response.end('data: [DONE]\n\n');
}
