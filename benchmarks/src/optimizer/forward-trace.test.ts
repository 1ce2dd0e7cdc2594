import type { Engine, ForwardRequest } from '@x/runtime';
import { describe, expect, it } from 'vitest';
import { formatForwardTrace, newForwardTrace, traceForwardCalls } from './forward-trace.ts';

const request = (length: number): ForwardRequest => ({
  seq: 0,
  tokens: new Int32Array(length),
  logitsFor: 'last',
});

describe('traceForwardCalls', () => {
  it('counts prompt chunks, decode rows and decode-only calls by rows, for both forward paths', async () => {
    const engine = {
      forward: async (batch: ForwardRequest[]) => batch.map(() => new Float32Array(1)),
      forwardArgmax: async (batch: ForwardRequest[]) => batch.map(() => new Int32Array(1)),
    } as unknown as Engine;
    const trace = newForwardTrace();
    traceForwardCalls(engine, trace);
    await engine.forwardArgmax!([request(1), request(1), request(55), request(60)]);
    await engine.forward([request(1), request(512)]);
    await engine.forwardArgmax!([request(1), request(1), request(1)]);
    expect(trace).toMatchObject({
      calls: 3,
      argmaxCalls: 2,
      promptCalls: 2,
      multiPromptCalls: 1,
      promptTokens: 627,
      decodeRows: 6,
    });
    expect([...trace.decodeOnlyByRows]).toEqual([[3, 1]]);
    expect(formatForwardTrace('run', trace)).toContain(
      '3 forward calls (2 with prompt chunks, 1 with several; 2 argmax-only)',
    );
  });

  it("adds up the decode-only calls' own engine time and worker runs where the engine tells them", async () => {
    const ran = [
      { engineMs: 9, inline: false },
      { engineMs: 2, inline: true },
      { engineMs: 3, inline: false },
    ];
    let last: { engineMs: number; inline: boolean } | undefined;
    const engine = {
      forward: async () => [],
      forwardArgmax: async (batch: ForwardRequest[]) => {
        last = ran.shift();
        return batch.map(() => new Int32Array(1));
      },
      lastForwardTiming: () => last,
    } as unknown as Engine;
    const trace = newForwardTrace();
    traceForwardCalls(engine, trace);
    await engine.forwardArgmax!([request(1), request(40)]);
    await engine.forwardArgmax!([request(1), request(1)]);
    await engine.forwardArgmax!([request(1), request(1)]);
    // The prompt-carrying call's 9 ms is not a decode step's.
    expect(trace).toMatchObject({ decodeEngineMs: 5, decodeOnWorker: 1 });
  });

  it('leaves the engine time out for an engine that does not tell it', async () => {
    const engine = {
      forward: async () => [],
      forwardArgmax: async (batch: ForwardRequest[]) => batch.map(() => new Int32Array(1)),
    } as unknown as Engine;
    const trace = newForwardTrace();
    traceForwardCalls(engine, trace);
    await engine.forwardArgmax!([request(1)]);
    expect(trace.decodeEngineMs).toBeUndefined();
    expect(trace.decodeOnWorker).toBeUndefined();
  });
});
