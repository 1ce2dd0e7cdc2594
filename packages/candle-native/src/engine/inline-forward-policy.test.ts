import { describe, expect, it } from 'vitest';
import { InlineForwardPolicy } from './inline-forward-policy.js';

describe('InlineForwardPolicy', () => {
  it('sends a size it has not timed yet to a worker', () => {
    expect(new InlineForwardPolicy(8).runsInline(1)).toBe(false);
  });

  it('runs inline a size whose last forward took at most the budget, and stops once one takes longer', () => {
    const policy = new InlineForwardPolicy(8);
    policy.record(1, 3.5);
    expect(policy.runsInline(1)).toBe(true);
    policy.record(1, 8);
    expect(policy.runsInline(1)).toBe(true);
    policy.record(1, 8.01);
    expect(policy.runsInline(1)).toBe(false);
    policy.record(1, 2);
    expect(policy.runsInline(1)).toBe(true);
  });

  it('groups token counts by the next power of two', () => {
    const policy = new InlineForwardPolicy(8);
    policy.record(5, 2);
    expect(policy.runsInline(8)).toBe(true);
    expect(policy.runsInline(6)).toBe(true);
    expect(policy.runsInline(4)).toBe(false);
    expect(policy.runsInline(9)).toBe(false);
    policy.record(512, 1);
    expect(policy.runsInline(300)).toBe(true);
    expect(policy.runsInline(513)).toBe(false);
  });

  it('never runs inline with a budget of 0', () => {
    const policy = new InlineForwardPolicy(0);
    policy.record(1, 0);
    expect(policy.runsInline(1)).toBe(false);
  });
});
