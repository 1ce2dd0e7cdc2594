import { describe, expect, it } from 'vitest';
import { combineSignals } from './combine-signals.js';

describe('combineSignals', () => {
  it('fires when any input fires and skips undefined', () => {
    const a = new AbortController();
    const b = new AbortController();
    expect(combineSignals(undefined, undefined)).toBeUndefined();
    expect(combineSignals(a.signal, undefined)).toBe(a.signal);
    const both = combineSignals(a.signal, b.signal);
    expect(both?.aborted).toBe(false);
    b.abort('why');
    expect(both?.aborted).toBe(true);
    expect(both?.reason).toBe('why');
  });
});
