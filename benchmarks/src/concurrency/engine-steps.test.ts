import type { Engine, ForwardRequest } from '@x/runtime';
import { describe, expect, it } from 'vitest';
import { formatEngineSteps, measureEngineSteps } from './engine-steps.ts';

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
});
