import { describe, expect, it } from 'vitest';
import { maskWithout } from './ban-mask.js';

const ids = (mask: Uint32Array, width: number) => {
  const out: number[] = [];
  for (let id = 0; id < width; id++) if (((mask[id >>> 5]! >>> (id & 31)) & 1) === 1) out.push(id);
  return out;
};

describe('maskWithout', () => {
  it('allows every token of the width but the banned ones, with no bits past the width', () => {
    const { mask, allowsAny } = maskWithout(undefined, [1, 33], 40);
    expect(mask.length).toBe(2);
    expect(ids(mask, 64)).toEqual([...Array(40).keys()].filter((id) => id !== 1 && id !== 33));
    expect(allowsAny).toBe(true);
    // Bans past the width are ignored; a width that is a multiple of 32 fills every word.
    expect(ids(maskWithout(undefined, [70], 64).mask, 64)).toHaveLength(64);
  });

  it("intersects a grammar's mask, once per mask, and says when nothing is left", () => {
    const grammar = Uint32Array.of(0b1011, 0);
    const first = maskWithout(grammar, [1, 3], 40);
    expect(ids(first.mask, 40)).toEqual([0]);
    expect(first.allowsAny).toBe(true);
    expect(maskWithout(grammar, [1, 3], 40)).toBe(first);
    // A narrower grammar mask: the ids past it are not allowed.
    expect(ids(maskWithout(Uint32Array.of(0b10), [], 40).mask, 40)).toEqual([1]);
    const none = maskWithout(Uint32Array.of(0b1010, 0), [1, 3], 40);
    expect(none.allowsAny).toBe(false);
    expect(ids(none.mask, 40)).toEqual([]);
  });

  it("gives one ban list, passed again at another width, that width's mask", () => {
    const banned = Object.freeze([2, 40]);
    expect(ids(maskWithout(undefined, banned, 40).mask, 64)).toHaveLength(39);
    expect(ids(maskWithout(undefined, banned, 64).mask, 64)).toHaveLength(62);
    expect(ids(maskWithout(undefined, banned, 40).mask, 64)).toHaveLength(39);
    // An equal list in another array shares the entry.
    expect(maskWithout(undefined, [2, 40], 64)).toBe(maskWithout(undefined, banned, 64));
  });
});
