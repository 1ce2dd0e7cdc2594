import { describe, expect, it } from 'vitest';
import { formatStreamTrace, newStreamTrace, resetStreamTrace, tokensPerCpuSecond } from './stream-trace.ts';

describe('formatStreamTrace', () => {
  it('splits a round into forward calls and the rest, and compares tokens per CPU-second', () => {
    const one = { ...newStreamTrace(2), tokens: 128, wallMs: 400, cpuSeconds: 0.8 };
    const eight = { ...newStreamTrace(2), tokens: 1024, wallMs: 840, cpuSeconds: 1.6 };
    eight.forward.promptMs = 40;
    eight.forward.decodeMs = 780;
    eight.forward.decodeOnlyByRows.set(8, 126);
    const text = formatStreamTrace('8 streams', eight, one);
    expect(tokensPerCpuSecond(one)).toBe(160);
    expect(text).toContain(
      'a round: wall 420.0 ms = prompt-carrying calls 20.0 + decode-only calls 390.0 (6.19 ms each) + outside forward calls 10.0',
    );
    expect(text).toContain('CPU 800.0 ms; 640.0 tok per CPU-s (4.00× 1 stream');
    expect(text.split('\n')).toHaveLength(2);
  });

  it("shows the decode-only calls' own engine time and worker runs where the engine told them", () => {
    const eight = { ...newStreamTrace(2), tokens: 1024, wallMs: 840, cpuSeconds: 1.6 };
    eight.forward.decodeMs = 780;
    eight.forward.decodeOnlyByRows.set(8, 126);
    expect(formatStreamTrace('8 streams', eight)).toContain('(6.19 ms each) +');
    eight.forward.decodeEngineMs = 693;
    eight.forward.decodeOnWorker = 3;
    expect(formatStreamTrace('8 streams', eight)).toContain(
      '(6.19 ms each: engine 5.50, 3 of 126 on a worker) +',
    );
  });

  it('resets in place, so a wrapped engine keeps counting into the same object', () => {
    const trace = { ...newStreamTrace(2), tokens: 5 };
    const forward = trace.forward;
    forward.calls = 3;
    forward.decodeEngineMs = 7;
    forward.decodeOnWorker = 1;
    resetStreamTrace(trace, 4);
    expect(forward.decodeEngineMs).toBeUndefined();
    expect(forward.decodeOnWorker).toBeUndefined();
    expect(trace).toMatchObject({ tokens: 0, rounds: 4, cpuSeconds: 0 });
    expect(trace.forward).toBe(forward);
    expect(forward.calls).toBe(0);
  });
});
