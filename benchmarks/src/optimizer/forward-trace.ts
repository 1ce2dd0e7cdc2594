import type { Engine, ForwardRequest } from '@x/runtime';

/** What one half's forward calls carried: counts that do not depend on the machine's load. */
export interface ForwardTrace {
  calls: number;
  /** Calls through `forwardArgmax` (greedy steps taking one id a row, masked or not) instead of logits. */
  argmaxCalls: number;
  /** Calls with at least one request of more than one token (a prompt chunk). */
  promptCalls: number;
  /** Prompt-carrying calls with more than one such request. */
  multiPromptCalls: number;
  /** Tokens in the multi-token requests: the prompt tokens the engine computed. */
  promptTokens: number;
  /** One-token requests: decode rows (a one-token prompt suffix counts here too). */
  decodeRows: number;
  /** Calls with no prompt chunk, by their number of rows. */
  decodeOnlyByRows: Map<number, number>;
  /** Wall-clock ms inside the engine: prompt-carrying calls, decode-only calls, and between calls. */
  promptMs: number;
  decodeMs: number;
  gapMs: number;
  /**
   * Where the engine tells how each forward ran (NativeEngine.lastForwardTiming): the decode-only calls'
   * ms in the engine itself (no hand-offs, no JS around the call), and how many ran on a worker thread.
   */
  decodeEngineMs?: number;
  decodeOnWorker?: number;
  /** CPU seconds of the JS thread and of the others (engine, libuv, GC helpers), where /proc tells. */
  jsThreadCpuSeconds?: number;
  otherThreadsCpuSeconds?: number;
}

export const newForwardTrace = (): ForwardTrace => ({
  calls: 0,
  argmaxCalls: 0,
  promptCalls: 0,
  multiPromptCalls: 0,
  promptTokens: 0,
  decodeRows: 0,
  decodeOnlyByRows: new Map(),
  promptMs: 0,
  decodeMs: 0,
  gapMs: 0,
});

/** How the last forward ran, where the engine tells (NativeEngine.lastForwardTiming). */
type TimedEngine = { lastForwardTiming?: () => { engineMs: number; inline: boolean } | undefined };

/** Wraps `engine`'s forward calls (in place: the scheduler holds this object) to count into `trace`. */
export function traceForwardCalls(engine: Engine, trace: ForwardTrace): void {
  let lastEnd: number | undefined;
  const timing = (engine as TimedEngine).lastForwardTiming?.bind(engine);
  const wrap =
    <R>(call: (batch: ForwardRequest[], ...rest: never[]) => Promise<R>, argmax: boolean) =>
    async (batch: ForwardRequest[], ...rest: never[]): Promise<R> => {
      const start = performance.now();
      if (argmax) trace.argmaxCalls++;
      if (lastEnd !== undefined) trace.gapMs += start - lastEnd;
      const prompts = batch.filter((request) => request.tokens.length > 1);
      trace.calls++;
      trace.decodeRows += batch.length - prompts.length;
      for (const request of prompts) trace.promptTokens += request.tokens.length;
      if (prompts.length > 0) trace.promptCalls++;
      if (prompts.length > 1) trace.multiPromptCalls++;
      if (prompts.length === 0)
        trace.decodeOnlyByRows.set(batch.length, (trace.decodeOnlyByRows.get(batch.length) ?? 0) + 1);
      try {
        return await call(batch, ...rest);
      } finally {
        lastEnd = performance.now();
        if (prompts.length > 0) trace.promptMs += lastEnd - start;
        else {
          trace.decodeMs += lastEnd - start;
          const ran = timing?.();
          if (ran !== undefined) {
            trace.decodeEngineMs = (trace.decodeEngineMs ?? 0) + ran.engineMs;
            trace.decodeOnWorker = (trace.decodeOnWorker ?? 0) + (ran.inline ? 0 : 1);
          }
        }
      }
    };
  const target = engine as { forward: Engine['forward']; forwardArgmax?: Engine['forwardArgmax'] };
  target.forward = wrap(engine.forward.bind(engine) as never, false) as Engine['forward'];
  if (engine.forwardArgmax !== undefined)
    target.forwardArgmax = wrap(engine.forwardArgmax.bind(engine) as never, true) as Engine['forwardArgmax'];
}

/** One line for the benchmark's output. */
export function formatForwardTrace(mode: string, t: ForwardTrace): string {
  const rows = [...t.decodeOnlyByRows.entries()]
    .sort(([a], [b]) => a - b)
    .map(([n, count]) => `${n}:${count}`)
    .join(' ');
  return (
    `${mode}: ${t.calls} forward calls (${t.promptCalls} with prompt chunks, ${t.multiPromptCalls} with several; ${t.argmaxCalls} argmax-only), ` +
    `${t.promptTokens} prompt tokens computed, ${t.decodeRows} decode rows (${(t.decodeRows / Math.max(1, t.calls)).toFixed(2)} a call); ` +
    `decode-only calls by rows ${rows}; ms in prompt calls ${t.promptMs.toFixed(0)}, decode-only ${t.decodeMs.toFixed(0)}, between ${t.gapMs.toFixed(0)}` +
    (t.jsThreadCpuSeconds === undefined
      ? ''
      : `; CPU s on the JS thread ${t.jsThreadCpuSeconds.toFixed(2)}, other threads ${t.otherThreadsCpuSeconds!.toFixed(2)}`)
  );
}
