import type { LMToolCall } from '../lm/lm.js';

/** The function calls in an OpenAI-style `message.tool_calls` (a non-streamed chat completion). */
export function readToolCalls(message: unknown): LMToolCall[] | undefined {
  const calls = (message as { tool_calls?: unknown } | undefined)?.tool_calls;
  if (!Array.isArray(calls) || calls.length === 0) return undefined;
  return calls.map((call: Record<string, unknown>) => {
    const fn = (call.function ?? {}) as Record<string, unknown>;
    const args = fn.arguments;
    return {
      ...(typeof call.id === 'string' ? { id: call.id } : {}),
      name: String(fn.name ?? ''),
      arguments: typeof args === 'string' ? args : JSON.stringify(args ?? {}),
    };
  });
}

/** Adds one streamed chunk's `delta.tool_calls` pieces (keyed by `index`) to `calls`. */
export function addToolCallDeltas(calls: LMToolCall[], deltas: unknown): void {
  if (!Array.isArray(deltas)) return;
  for (const delta of deltas as Record<string, unknown>[]) {
    const index = typeof delta.index === 'number' ? delta.index : calls.length;
    const call = calls[index] ?? { name: '', arguments: '' };
    calls[index] = call;
    if (typeof delta.id === 'string') call.id = delta.id;
    const fn = (delta.function ?? {}) as Record<string, unknown>;
    if (typeof fn.name === 'string') call.name += fn.name;
    if (typeof fn.arguments === 'string') call.arguments += fn.arguments;
  }
}
