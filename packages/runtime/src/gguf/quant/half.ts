const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

let halfTable: Float32Array | undefined;

function halfBitsToFloatSlow(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa === 0 ? sign * Number.POSITIVE_INFINITY : Number.NaN;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

/** IEEE half bits → number, through a 64 Ki-entry table built on first use. */
export function halfToFloat(bits: number): number {
  if (halfTable === undefined) {
    halfTable = new Float32Array(65536);
    for (let i = 0; i < 65536; i++) halfTable[i] = halfBitsToFloatSlow(i);
  }
  return halfTable[bits & 0xffff] as number;
}

/** The half-precision table itself, for hot loops. */
export function halfTableView(): Float32Array {
  halfToFloat(0);
  return halfTable as Float32Array;
}

/** The little-endian half at `offset` of `bytes`, as a number, looked up in `table` (halfTableView()). */
export function readHalf(table: Float32Array, bytes: Uint8Array, offset: number): number {
  return table[(bytes[offset] as number) | ((bytes[offset + 1] as number) << 8)] as number;
}

/** Stores half `bits` little-endian at `offset` of `out`. */
export function writeHalfBits(out: Uint8Array, offset: number, bits: number): void {
  out[offset] = bits & 0xff;
  out[offset + 1] = bits >> 8;
}

/** number → IEEE half bits, rounding to nearest even (as ggml's F32→F16 conversion does). */
export function floatToHalf(value: number): number {
  f32[0] = value;
  return floatBitsToHalf(u32[0] as number);
}

/** IEEE single bits → half bits, rounding to nearest even. */
export function floatBitsToHalf(x: number): number {
  const sign = (x >>> 16) & 0x8000;
  const exponent = (x >>> 23) & 0xff;
  let mantissa = x & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0);
  let e = exponent - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mantissa |= 0x800000;
    const shift = 14 - e;
    const half = mantissa >>> shift;
    const rest = mantissa & ((1 << shift) - 1);
    const midpoint = 1 << (shift - 1);
    const rounded = rest > midpoint || (rest === midpoint && half & 1) ? half + 1 : half;
    return sign | rounded;
  }
  let half = mantissa >>> 13;
  const rest = mantissa & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && half & 1)) {
    half++;
    if (half === 0x400) {
      half = 0;
      e++;
      if (e >= 0x1f) return sign | 0x7c00;
    }
  }
  return sign | (e << 10) | half;
}

/** bfloat16 bits → number. */
export function bf16ToFloat(bits: number): number {
  u32[0] = (bits & 0xffff) << 16;
  return f32[0] as number;
}

/** number → bfloat16 bits, rounding to nearest even; NaN stays a quiet NaN. */
export function floatToBF16(value: number): number {
  f32[0] = value;
  const x = u32[0] as number;
  if ((x & 0x7fffffff) > 0x7f800000) return ((x >>> 16) | 0x40) & 0xffff;
  return ((x + (0x7fff + ((x >>> 16) & 1))) >>> 16) & 0xffff;
}
