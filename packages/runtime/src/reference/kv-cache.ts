/**
 * One sequence's keys and values, f32, per layer: (positions, nkv·hd) row-major. Grows on demand up to
 * `maxLength`; `length` counts the valid positions (rows past it are stale and never read).
 */
export class KVCache {
  length = 0;
  private capacity: number;
  private keys: Float32Array[];
  private values: Float32Array[];

  constructor(
    readonly layerCount: number,
    readonly rowSize: number,
    readonly maxLength: number,
    initialCapacity = Math.min(maxLength, 64),
  ) {
    this.capacity = initialCapacity;
    this.keys = Array.from({ length: layerCount }, () => new Float32Array(initialCapacity * rowSize));
    this.values = Array.from({ length: layerCount }, () => new Float32Array(initialCapacity * rowSize));
  }

  /** Stores the key and value rows of position `pos` in `layer`. */
  write(layer: number, pos: number, key: Float32Array, value: Float32Array): void {
    if (pos >= this.capacity) this.grow(pos + 1);
    this.keys[layer]!.set(key.subarray(0, this.rowSize), pos * this.rowSize);
    this.values[layer]!.set(value.subarray(0, this.rowSize), pos * this.rowSize);
  }

  /** All key rows of `layer` (valid up to the positions written so far). */
  layerKeys(layer: number): Float32Array {
    return this.keys[layer]!;
  }

  layerValues(layer: number): Float32Array {
    return this.values[layer]!;
  }

  /** A new cache holding a copy of the first `nTokens` positions. */
  fork(nTokens: number): KVCache {
    const copy = new KVCache(this.layerCount, this.rowSize, this.maxLength, Math.max(nTokens, 1));
    const end = nTokens * this.rowSize;
    for (let layer = 0; layer < this.layerCount; layer++) {
      copy.keys[layer]!.set(this.keys[layer]!.subarray(0, end));
      copy.values[layer]!.set(this.values[layer]!.subarray(0, end));
    }
    copy.length = nTokens;
    return copy;
  }

  private grow(needed: number): void {
    const capacity = Math.min(this.maxLength, Math.max(needed, this.capacity * 2));
    const resize = (old: Float32Array): Float32Array => {
      const next = new Float32Array(capacity * this.rowSize);
      next.set(old);
      return next;
    };
    this.keys = this.keys.map(resize);
    this.values = this.values.map(resize);
    this.capacity = capacity;
  }
}
