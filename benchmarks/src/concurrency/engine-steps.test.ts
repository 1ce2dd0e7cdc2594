import type { Engine, ForwardRequest } from '@x/runtime';
import { describe, expect, it } from 'vitest';
import { formatEngineSteps, formatGapSteps, measureEngineSteps, measureGapSteps } from './engine-steps.ts';

/** Counts what measureEngineSteps asks of an engine: forward calls by rows and tokens, sequences held. */
function countingEngine() {
  const calls: string[] = [];
  let open = 0;
  let next = 0;
  const engine = {
    createSequence: () => {
      open++;
      return next++;
    },
    release: () => {
      open--;
    },
    forward: async () => [],
    forwardArgmax: async (batch: ForwardRequest[]) => {
      calls.push(batch.map((request) => request.tokens.length).join(','));
      return batch.map((request) => Int32Array.of(request.tokens.length));
    },
  } as unknown as Engine;
  return { engine, calls, open: () => open };
}

describe('measureEngineSteps', () => {
  it('prefills each set once per round, then alternates one-token steps of every size', async () => {
    const { engine, calls, open } = countingEngine();
    const timings = await measureEngineSteps(engine, [1, 3], { context: 5, steps: 2, rounds: 2 });
    const round = ['5', '5,5,5', '1', '1,1,1', '1', '1,1,1'];
    expect(calls).toEqual([...round, ...round]);
    expect(open()).toBe(0);
    expect(timings.map((t) => t.rows)).toEqual([1, 3]);
  });

  it('compares each size with one row', () => {
    const line = formatEngineSteps('8 streams', [
      { rows: 1, medianMs: 3, cpuMs: 6 },
      { rows: 8, medianMs: 6, cpuMs: 12 },
    ]);
    expect(line).toContain('8 rows 6.00 ms (CPU 12.00), 4.00× one row');
  });

  it("reports the mean and the engine's own time where the engine tells it", async () => {
    const { engine } = countingEngine();
    (engine as unknown as { lastForwardTiming: () => { engineMs: number } }).lastForwardTiming = () => ({
      engineMs: 2,
    });
    const [timing] = await measureEngineSteps(engine, [2], { context: 3, steps: 2, rounds: 1 });
    expect(timing!.engineMs).toBe(2);
    expect(timing!.meanMs).toBeGreaterThanOrEqual(0);
    expect(
      formatEngineSteps('x', [{ rows: 1, medianMs: 3, cpuMs: 6, meanMs: 3.5, engineMs: 2.5 }]),
    ).toContain('1 rows 3.00 ms (CPU 6.00; mean 3.50, engine 2.50)');
  });
});

describe('measureGapSteps', () => {
  it("keeps the JS thread busy for each gap before its set's steps, the sets taking turns", async () => {
    const { engine, calls, open } = countingEngine();
    const idle: number[] = [];
    let lastEnd = performance.now();
    const forwardArgmax = engine.forwardArgmax!.bind(engine);
    let engineMs = 0;
    Object.assign(engine, {
      forwardArgmax: async (batch: ForwardRequest[]) => {
        if (batch[0]!.tokens.length === 1) idle.push(performance.now() - lastEnd);
        const ids = await forwardArgmax(batch);
        engineMs = batch.length;
        lastEnd = performance.now();
        return ids;
      },
      lastForwardTiming: () => ({ engineMs }),
    });
    const timings = await measureGapSteps(engine, 2, [0, 5000], { context: 3, steps: 2, rounds: 1 });
    expect(calls).toEqual(['3,3', '3,3', '1,1', '1,1', '1,1', '1,1']);
    expect(open()).toBe(0);
    // Steps after the 5 ms gap waited at least that long since the previous call ended.
    expect(idle.filter((_, i) => i % 2 === 1).every((ms) => ms >= 5)).toBe(true);
    expect(timings).toMatchObject([
      { gapUs: 0, engineMs: 2 },
      { gapUs: 5000, engineMs: 2 },
    ]);
    expect(formatGapSteps('x', 2, timings)).toContain('2 rows after a busy JS gap of 0 µs: engine 2.00 ms');
  });

  it('needs an engine that tells its own time', async () => {
    const { engine } = countingEngine();
    await expect(measureGapSteps(engine, 1, [0], { context: 1, steps: 1, rounds: 1 })).rejects.toThrow(
      'lastForwardTiming',
    );
  });
});
