import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  ContextLengthError,
  type GenerateOptions,
  GrammarError,
  type LM,
  type LMResult,
  type Message,
  XError,
} from '@x/core';
import { answerWithTools } from './answer-with-tools.js';
import { responseFormatConstraint } from './response-format-constraint.js';
import { toolMode } from './tool-call-constraint.js';

interface CompletionRequest {
  model?: string;
  messages?: Message[];
  prompt?: string;
  stream?: boolean;
  max_tokens?: number;
  max_completion_tokens?: number;
  temperature?: number;
  top_p?: number;
  top_k?: number;
  min_p?: number;
  seed?: number;
  stop?: string | string[];
  presence_penalty?: number;
  frequency_penalty?: number;
  response_format?: unknown;
  tools?: unknown;
  tool_choice?: unknown;
}

class RequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

async function readJson(request: IncomingMessage): Promise<CompletionRequest> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > 16 * 2 ** 20) throw new RequestError(413, 'request body over 16 MiB', 'request_too_large');
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as CompletionRequest;
  } catch {
    throw new RequestError(400, 'body is not valid JSON', 'invalid_json');
  }
}

function generateOptions(body: CompletionRequest, signal: AbortSignal): GenerateOptions {
  return {
    maxTokens: body.max_completion_tokens ?? body.max_tokens,
    temperature: body.temperature,
    topP: body.top_p,
    topK: body.top_k,
    minP: body.min_p,
    seed: body.seed,
    presencePenalty: body.presence_penalty,
    frequencyPenalty: body.frequency_penalty,
    stop: typeof body.stop === 'string' ? [body.stop] : body.stop,
    constraint: responseFormatConstraint(body.response_format),
    signal,
  };
}

function sendJson(response: ServerResponse, status: number, value: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(value));
}

function errorBody(error: unknown): { status: number; body: unknown } {
  if (error instanceof RequestError) {
    return {
      status: error.status,
      body: { error: { message: error.message, type: 'invalid_request_error', code: error.code } },
    };
  }
  if (GrammarError.isInstance(error)) {
    return {
      status: 400,
      body: {
        error: { message: error.message, type: 'invalid_request_error', code: 'invalid_response_format' },
      },
    };
  }
  if (ContextLengthError.isInstance(error)) {
    return {
      status: 400,
      body: {
        error: { message: error.message, type: 'invalid_request_error', code: 'context_length_exceeded' },
      },
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  const code = XError.isInstance(error) ? error.code : 'internal_error';
  return { status: 500, body: { error: { message, type: 'server_error', code } } };
}

const usageOf = (result: LMResult) => ({
  prompt_tokens: result.usage.promptTokens,
  completion_tokens: result.usage.completionTokens,
  total_tokens: result.usage.promptTokens + result.usage.completionTokens,
});

/** POST /v1/chat/completions and /v1/completions over one LM (batched by the LM's scheduler). */
export async function handleCompletion(
  lm: LM,
  modelName: string,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const abort = new AbortController();
  response.on('close', () => {
    if (!response.writableFinished) abort.abort();
  });
  const chat = request.url?.startsWith('/v1/chat/completions') ?? false;
  try {
    const body = await readJson(request);
    if (chat && !Array.isArray(body.messages))
      throw new RequestError(400, '`messages` must be an array', 'invalid_messages');
    if (!chat && typeof body.prompt !== 'string')
      throw new RequestError(400, '`prompt` must be a string', 'invalid_prompt');
    const options = generateOptions(body, abort.signal);
    const id = `${chat ? 'chatcmpl' : 'cmpl'}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
    const created = Math.floor(Date.now() / 1000);
    const object = chat ? 'chat.completion' : 'text_completion';
    const tools = chat ? toolMode(body.tools, body.tool_choice) : undefined;
    if (tools) {
      const meta = { id, created, model: modelName };
      return await answerWithTools(lm, body.messages!, options, tools, body.stream === true, meta, response);
    }
    if (!body.stream) {
      const result = chat
        ? await lm.generate(body.messages!, options)
        : await lm.complete(body.prompt!, options);
      const choice = chat
        ? {
            index: 0,
            message: { role: 'assistant', content: result.text },
            finish_reason: result.finishReason,
          }
        : { index: 0, text: result.text, finish_reason: result.finishReason };
      sendJson(response, 200, {
        id,
        object,
        created,
        model: modelName,
        choices: [choice],
        usage: usageOf(result),
      });
      return;
    }
    const stream = chat ? lm.stream(body.messages!, options) : lm.streamComplete(body.prompt!, options);
    const chunkObject = chat ? 'chat.completion.chunk' : 'text_completion';
    const send = (choice: unknown, extra: Record<string, unknown> = {}) =>
      response.write(
        `data: ${JSON.stringify({ id, object: chunkObject, created, model: modelName, choices: [choice], ...extra })}\n\n`,
      );
    const iterator = stream[Symbol.asyncIterator]();
    const first = await iterator.next();
    response.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    const delta = (text: string) =>
      chat
        ? { index: 0, delta: { content: text }, finish_reason: null }
        : { index: 0, text, finish_reason: null };
    if (chat) send({ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null });
    if (!first.done) send(delta(first.value));
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) send(delta(next.value));
    const result = await stream.result;
    send(
      chat
        ? { index: 0, delta: {}, finish_reason: result.finishReason }
        : { index: 0, text: '', finish_reason: result.finishReason },
      {
        usage: usageOf(result),
      },
    );
    response.end('data: [DONE]\n\n');
  } catch (error) {
    if (abort.signal.aborted) return;
    if (response.headersSent) {
      response.end(`data: ${JSON.stringify(errorBody(error).body)}\n\n`);
      return;
    }
    const { status, body } = errorBody(error);
    sendJson(response, status, body);
  }
}
