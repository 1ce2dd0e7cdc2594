import { LMError } from '../errors/lm-error.js';
import type { EmitDelta } from '../lm/create-lm-stream.js';
import type { FinishReason, LMToolCall } from '../lm/lm.js';
import { httpError } from './http-error.js';
import { mapFinishReason } from './map-finish-reason.js';
import { addToolCallDeltas } from './read-tool-calls.js';
import { SSEDecoder } from './sse-decoder.js';

/** What a streamed completion has produced so far; filled in while reading so a failure keeps it. */
export interface StreamProgress {
  text: string;
  /** Content-bearing chunks: servers send about one token per chunk. */
  pieces: number;
  firstTokenMs: number | undefined;
  finishReason: FinishReason | undefined;
  usage: { prompt_tokens?: unknown; completion_tokens?: unknown } | undefined;
  serverTimings: unknown;
  done: boolean;
  /** Function calls assembled from `delta.tool_calls` pieces. */
  toolCalls: LMToolCall[];
}

export function emptyProgress(): StreamProgress {
  return {
    text: '',
    pieces: 0,
    firstTokenMs: undefined,
    finishReason: undefined,
    usage: undefined,
    serverTimings: undefined,
    done: false,
    toolCalls: [],
  };
}

/**
 * Reads an OpenAI-style SSE body to `data: [DONE]`, emitting text deltas (chat `delta.content` or
 * completion `text`). Throws LMError on undecodable data or an error event (ContextLengthError when
 * it is a context overflow); `onChunk` runs on every received chunk.
 */
export async function readCompletionStream(
  body: ReadableStream<Uint8Array>,
  kind: 'chat' | 'completion',
  progress: StreamProgress,
  emit: EmitDelta,
  options: { onChunk: () => void; contextLength: number },
): Promise<void> {
  const reader = body.getReader();
  const text = new TextDecoder();
  const sse = new SSEDecoder();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      options.onChunk();
      const events = done
        ? [...sse.push(text.decode()), ...sse.end()]
        : sse.push(text.decode(value, { stream: true }));
      for (const event of events) {
        if (event.data.trim() === '[DONE]') {
          progress.done = true;
          return;
        }
        await handleChunk(parseChunk(event.data), kind, progress, emit, options.contextLength);
      }
      if (done) return;
    }
  } finally {
    if (!progress.done) reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}

function parseChunk(data: string): Record<string, unknown> {
  try {
    const chunk: unknown = JSON.parse(data);
    if (typeof chunk === 'object' && chunk !== null) return chunk as Record<string, unknown>;
  } catch (cause) {
    throw new LMError(`the server sent undecodable stream data: ${data.slice(0, 200)}`, { cause });
  }
  throw new LMError(`the server sent a stream chunk that is not an object: ${data.slice(0, 200)}`);
}

async function handleChunk(
  chunk: Record<string, unknown>,
  kind: 'chat' | 'completion',
  progress: StreamProgress,
  emit: EmitDelta,
  contextLength: number,
): Promise<void> {
  if (chunk.error !== undefined) throw httpError({ status: undefined }, JSON.stringify(chunk), contextLength);
  if (typeof chunk.usage === 'object' && chunk.usage !== null) progress.usage = chunk.usage;
  if (chunk.timings !== undefined) progress.serverTimings = chunk.timings;
  const choice = Array.isArray(chunk.choices)
    ? (chunk.choices[0] as Record<string, unknown> | undefined)
    : undefined;
  if (!choice) return;
  const delta = kind === 'chat' ? (choice.delta as { content?: unknown } | undefined)?.content : choice.text;
  if (typeof delta === 'string' && delta !== '') {
    progress.firstTokenMs ??= performance.now();
    progress.text += delta;
    progress.pieces++;
    await emit(delta);
  }
  if (kind === 'chat')
    addToolCallDeltas(progress.toolCalls, (choice.delta as { tool_calls?: unknown })?.tool_calls);
  if (choice.finish_reason !== null && choice.finish_reason !== undefined) {
    progress.finishReason = mapFinishReason(choice.finish_reason);
  }
}
