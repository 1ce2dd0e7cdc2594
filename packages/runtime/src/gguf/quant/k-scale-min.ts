/** K_SCALE_SIZE: eight 6-bit scales and eight 6-bit mins packed into 12 bytes (Q4_K, Q5_K). */
export const K_SCALE_BYTES = 12;

/** ggml's get_scale_min_k4: the scale and min of sub-block `j` (0..7) from the packed bytes at `o`. */
export function scaleMinK4(bytes: Uint8Array, o: number, j: number): [number, number] {
  if (j < 4) return [(bytes[o + j] as number) & 63, (bytes[o + j + 4] as number) & 63];
  const scale = ((bytes[o + j + 4] as number) & 0x0f) | (((bytes[o + j - 4] as number) >> 6) << 4);
  const min = ((bytes[o + j + 4] as number) >> 4) | (((bytes[o + j] as number) >> 6) << 4);
  return [scale, min];
}

/** Inverse of scaleMinK4: packs eight 6-bit scales and mins into 12 bytes at `o`. */
export function packScaleMinK4(
  out: Uint8Array,
  o: number,
  scales: ArrayLike<number>,
  mins: ArrayLike<number>,
): void {
  for (let j = 0; j < 4; j++) {
    out[o + j] = (scales[j] as number) & 63;
    out[o + j + 4] = (mins[j] as number) & 63;
  }
  for (let j = 4; j < 8; j++) {
    const scale = scales[j] as number;
    const min = mins[j] as number;
    out[o + j + 4] = (scale & 0x0f) | ((min & 0x0f) << 4);
    out[o + j - 4] = (out[o + j - 4] as number) | ((scale >> 4) << 6);
    out[o + j] = (out[o + j] as number) | ((min >> 4) << 6);
  }
}
