import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GenerateOptions, LM, LMResult, LMStream, Message, TokenLogprob } from '@x/core';
import { readJsonBody } from '../http/read-json-body.js';
import { errorResponse, sendError, sendJson } from '../http/send-json.js';
import { openEventStream, writeEvent } from '../http/sse.js';
import { assertInputBytesFit } from './assert-input-bytes-fit.js';
import { chatLogprobs, completionLogprobs } from './format-logprobs.js';
import type { ModelPool } from './model-pool.js';
import { type CompletionRequest, parseCompletionRequest } from './request-schema.js';
import type { ServerMetrics } from './server-metrics.js';
import { mayBeToolCall, toolCallReply } from './tool-call-reply.js';

export interface CompletionContext {
  pool: ModelPool;
  metrics: ServerMetrics;
  bodyLimit: number;
  /** The pool name for a request's `model`; throws a 404 RequestError for an unknown one. */
  resolveModel(name: string | undefined): string;
}

/** One choice being generated: its stream, and the logprobs of tokens whose text has not been sent. */
interface Choice {
  index: number;
  stream: LMStream;
  iterator: AsyncIterator<string>;
  pending: TokenLogprob[];
  /** Characters sent so far (completions' text_offset). */
  sent: number;
}

/** Choice i·n + j answers input i; with a seed, choice j samples with seed + j so the n differ. */
function startChoices(
  lm: LM,
  request: CompletionRequest,
  signal: AbortSignal,
  metrics: ServerMetrics,
): Choice[] {
  const choices: Choice[] = [];
  request.inputs.forEach((input, i) => {
    for (let j = 0; j < request.n; j++) {
      const pending: TokenLogprob[] = [];
      const options: GenerateOptions = {
        ...request.options,
        seed: request.options.seed === undefined ? undefined : request.options.seed + j,
        signal,
        logprobs:
          request.topLogprobs === undefined
            ? undefined
            : { top: request.topLogprobs, onToken: (token) => pending.push(token) },
      };
      const stream =
        request.kind === 'chat'
          ? lm.stream(input as Message[], options)
          : lm.streamComplete(input as string, options);
      metrics.waiting++;
      let waiting = true;
      const iterator = stream[Symbol.asyncIterator]();
      const next = iterator.next.bind(iterator);
      iterator.next = async () => {
        try {
          return await next();
        } finally {
          if (waiting) {
            waiting = false;
            metrics.waiting--;
          }
        }
      };
      stream.result.catch(() => undefined);
      choices.push({ index: i * request.n + j, stream, iterator, pending, sent: 0 });
    }
  });
  return choices;
}

const takeLogprobs = (choice: Choice, kind: CompletionRequest['kind'], wanted: boolean) => {
  if (!wanted) return null;
  const tokens = choice.pending.splice(0);
  return kind === 'chat' ? chatLogprobs(tokens) : completionLogprobs(tokens, choice.sent);
};

const callId = (responseId: string, index: number) => `call_${responseId.slice(-10)}_${index}`;

function usageOf(request: CompletionRequest, results: readonly LMResult[]) {
  let prompt = 0;
  let completion = 0;
  results.forEach((result, index) => {
    if (index % request.n === 0) prompt += result.usage.promptTokens;
    completion += result.usage.completionTokens;
  });
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

/**
 * POST /v1/chat/completions and /v1/completions: validates the body, picks the model from the pool,
 * and answers as one JSON body or as Server-Sent Events ending in `data: [DONE]`.
 */
export async function handleCompletion(
  context: CompletionContext,
  kind: CompletionRequest['kind'],
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const clientGone = new AbortController();
  response.on('close', () => {
    if (!response.writableFinished) clientGone.abort();
  });
  const failed = new AbortController();
  const signal = AbortSignal.any([clientGone.signal, failed.signal]);
  let release: (() => void) | undefined;
  context.metrics.inFlight++;
  try {
    const body = parseCompletionRequest(kind, await readJsonBody(request, context.bodyLimit));
    const model = context.resolveModel(body.model);
    const lease = await context.pool.acquire(model);
    release = lease.release;
    for (const input of body.inputs) assertInputBytesFit(lease.lm, input);
    const choices = startChoices(lease.lm, body, signal, context.metrics);
    const head = {
      id: `${kind === 'chat' ? 'chatcmpl' : 'cmpl'}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`,
      created: Math.floor(Date.now() / 1000),
      model,
    };
    const firsts = await Promise.all(
      choices.map((choice) =>
        choice.iterator.next().catch((error: unknown) => {
          failed.abort();
          throw error;
        }),
      ),
    );
    const answer = body.stream ? answerStream : answerWhole;
    const results = await answer({ response, body, choices, firsts, head, failed });
    for (const result of results) {
      context.metrics.promptTokens += result.usage.promptTokens;
      context.metrics.completionTokens += result.usage.completionTokens;
    }
  } catch (error) {
    if (clientGone.signal.aborted) return;
    if (!response.headersSent) sendError(response, error);
    else {
      writeEvent(response, errorResponse(error).body);
      response.end();
    }
  } finally {
    context.metrics.inFlight--;
    release?.();
  }
}

interface Answer {
  response: ServerResponse;
  body: CompletionRequest;
  choices: Choice[];
  firsts: IteratorResult<string>[];
  head: { id: string; created: number; model: string };
  failed: AbortController;
}

async function drain(
  choice: Choice,
  first: IteratorResult<string>,
  onText: (text: string) => void,
): Promise<LMResult> {
  for (let next = first; !next.done; next = await choice.iterator.next()) onText(next.value);
  return choice.stream.result;
}

async function answerWhole({ response, body, choices, firsts, head, failed }: Answer): Promise<LMResult[]> {
  const wanted = body.topLogprobs !== undefined;
  const results = await Promise.all(
    choices.map(async (choice, i) => {
      try {
        await drain(choice, firsts[i]!, () => {});
        return await choice.stream.result;
      } catch (error) {
        failed.abort();
        throw error;
      }
    }),
  );
  sendJson(response, 200, {
    ...head,
    object: body.kind === 'chat' ? 'chat.completion' : 'text_completion',
    choices: choices.map((choice, i) => {
      const result = results[i]!;
      const logprobs = takeLogprobs(choice, body.kind, wanted);
      if (body.kind !== 'chat')
        return { index: choice.index, text: result.text, logprobs, finish_reason: result.finishReason };
      const call = body.toolMode && toolCallReply(result.text, body.toolMode, callId(head.id, choice.index));
      return {
        index: choice.index,
        message: call
          ? { role: 'assistant', content: null, refusal: null, tool_calls: [call] }
          : { role: 'assistant', content: result.text, refusal: null },
        logprobs,
        finish_reason: call ? 'tool_calls' : result.finishReason,
      };
    }),
    usage: usageOf(body, results),
  });
  return results;
}

async function answerStream({ response, body, choices, firsts, head, failed }: Answer): Promise<LMResult[]> {
  const wanted = body.topLogprobs !== undefined;
  const chat = body.kind === 'chat';
  const object = chat ? 'chat.completion.chunk' : 'text_completion';
  const send = (choice: unknown, extra: Record<string, unknown> = {}) =>
    writeEvent(response, { ...head, object, choices: [choice], ...extra });
  openEventStream(response);
  if (chat)
    for (const choice of choices)
      send({
        index: choice.index,
        delta: { role: 'assistant', content: '' },
        logprobs: null,
        finish_reason: null,
      });
  const results = await Promise.all(
    choices.map(async (choice, i) => {
      try {
        const sendText = (text: string) => {
          const logprobs = takeLogprobs(choice, body.kind, wanted);
          send(
            chat
              ? { index: choice.index, delta: { content: text }, logprobs, finish_reason: null }
              : { index: choice.index, text, logprobs, finish_reason: null },
          );
          choice.sent += text.length;
        };
        // Under tools, text that may be a call is held back until it is complete.
        let held = body.toolMode ? '' : undefined;
        const result = await drain(choice, firsts[i]!, (text) => {
          if (held === undefined) return sendText(text);
          held += text;
          if (mayBeToolCall(held)) return;
          sendText(held);
          held = undefined;
        });
        let finish: string = result.finishReason;
        if (held !== undefined) {
          const call = toolCallReply(held, body.toolMode!, callId(head.id, choice.index));
          if (call) {
            const { name, arguments: args } = call.function;
            const start = { index: 0, id: call.id, type: 'function', function: { name, arguments: '' } };
            send({
              index: choice.index,
              delta: { tool_calls: [start] },
              logprobs: null,
              finish_reason: null,
            });
            send({
              index: choice.index,
              delta: { tool_calls: [{ index: 0, function: { arguments: args } }] },
              logprobs: takeLogprobs(choice, body.kind, wanted),
              finish_reason: null,
            });
            finish = 'tool_calls';
          } else if (held) sendText(held);
        }
        const logprobs = choice.pending.length > 0 ? takeLogprobs(choice, body.kind, wanted) : null;
        send(
          chat
            ? { index: choice.index, delta: {}, logprobs, finish_reason: finish }
            : { index: choice.index, text: '', logprobs, finish_reason: finish },
        );
        return result;
      } catch (error) {
        failed.abort();
        throw error;
      }
    }),
  );
  if (body.includeUsage)
    writeEvent(response, { ...head, object, choices: [], usage: usageOf(body, results) });
  writeEvent(response, '[DONE]');
  response.end();
  return results;
}
