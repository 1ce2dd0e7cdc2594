/**
 * A logit bias at or below this bans its token: OpenAI's convention (its `logit_bias` reference:
 * "values like -100 … should result in a ban"). A banned token is left out as a token mask leaves
 * tokens out, unless nothing else would be left: then its bias is added as any other.
 */
export const BAN_LOGIT_BIAS = -100;

/** A mask less a ban list: `allowsAny` false when the ban leaves out every token the mask allowed. */
export interface BanMask {
  readonly mask: Uint32Array;
  readonly allowsAny: boolean;
}

interface Entry {
  all: BanMask;
  byMask: WeakMap<Uint32Array, BanMask>;
}

/** Per row width and ban list (few distinct ones in practice), kept until there are too many. */
const entries = new Map<string, Entry>();
const ENTRIES_KEPT = 32;
/** The entry each ban list found last, and for which width (a sampler keeps its list; this runs every step). */
const lastEntry = new WeakMap<readonly number[], { width: number; entry: Entry }>();

/**
 * The token mask (see applyTokenMask) allowing what `mask` allows (every token without one) except
 * `banned`, ceil(width / 32) words; bits past `width` are clear. Made once per ban list and mask (masks
 * are cached per grammar state); the result must not be modified, nor `banned` once passed (its
 * entry is remembered by the array: a sampler's list is frozen).
 */
export function maskWithout(
  mask: Uint32Array | undefined,
  banned: readonly number[],
  width: number,
): BanMask {
  const last = lastEntry.get(banned);
  const entry = last !== undefined && last.width === width ? last.entry : entryFor(banned, width);
  if (mask === undefined) return entry.all;
  let both = entry.byMask.get(mask);
  if (both === undefined) {
    const bits = new Uint32Array(entry.all.mask.length);
    const words = Math.min(mask.length, bits.length);
    for (let i = 0; i < words; i++) bits[i] = mask[i]! & entry.all.mask[i]!;
    both = { mask: bits, allowsAny: anyBit(bits) };
    entry.byMask.set(mask, both);
  }
  return both;
}

/** The shared entry for a ban list and width, made when no list with these ids has one. */
function entryFor(banned: readonly number[], width: number): Entry {
  const key = `${width}:${banned.join(',')}`;
  let entry = entries.get(key);
  if (entry === undefined) {
    if (entries.size >= ENTRIES_KEPT) entries.clear();
    const all = new Uint32Array(Math.ceil(width / 32)).fill(0xffffffff);
    if (width % 32 !== 0) all[all.length - 1] = 0xffffffff >>> (32 - (width % 32));
    for (const id of banned) if (id < width) all[id >>> 5]! &= ~(1 << (id & 31));
    entry = { all: { mask: all, allowsAny: anyBit(all) }, byMask: new WeakMap() };
    entries.set(key, entry);
  }
  lastEntry.set(banned, { width, entry });
  return entry;
}

function anyBit(mask: Uint32Array): boolean {
  for (let i = 0; i < mask.length; i++) if (mask[i] !== 0) return true;
  return false;
}
