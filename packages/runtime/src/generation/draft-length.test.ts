import { describe, expect, it } from 'vitest';
import { DraftLength } from './draft-length.js';

describe('DraftLength', () => {
  it('shrinks after rejections, grows after full accepts, never past the most', () => {
    const length = new DraftLength(4);
    expect(length.next()).toBe(4);
    length.update(4, 1);
    expect(length.next()).toBe(3);
    length.update(3, 3);
    expect(length.next()).toBe(4);
    length.update(4, 4);
    expect(length.next()).toBe(4);
  });

  it('pauses a one-token draft that keeps failing, for twice as long each time', () => {
    const length = new DraftLength(2);
    length.update(2, 0);
    expect(length.next()).toBe(1);
    length.update(1, 0);
    const paused = (steps: number) => Array.from({ length: steps }, () => length.next());
    expect(paused(8)).toEqual(Array(8).fill(0));
    expect(length.next()).toBe(1);
    length.update(1, 0);
    expect(paused(16)).toEqual(Array(16).fill(0));
    expect(length.next()).toBe(1);
    // an accepted draft resets the pause and grows again
    length.update(1, 1);
    expect(length.next()).toBe(2);
    length.update(2, 0);
    length.update(1, 0);
    expect(paused(8)).toEqual(Array(8).fill(0));
    expect(length.next()).toBe(1);
  });
});
