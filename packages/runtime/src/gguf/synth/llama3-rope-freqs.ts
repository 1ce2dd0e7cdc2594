/** The knobs of Llama 3.1's `rope_scaling` (config.json) that its `rope_freqs.weight` encodes. */
export interface Llama3RopeScaling {
  factor: number;
  lowFreqFactor: number;
  highFreqFactor: number;
  originalContextLength: number;
}

export const LLAMA3_ROPE_SCALING: Llama3RopeScaling = {
  factor: 8,
  lowFreqFactor: 1,
  highFreqFactor: 4,
  originalContextLength: 8192,
};

/**
 * The per-pair frequency divisors (dims / 2) a Llama 3.1 GGUF stores as `rope_freqs.weight`: pairs whose
 * wavelength fits the original context often stay (1), long ones are divided by `factor`, and those in
 * between are blended by how many wavelengths fit.
 */
export function llama3RopeFreqs(
  dims: number,
  base: number,
  scaling: Llama3RopeScaling = LLAMA3_ROPE_SCALING,
): Float32Array {
  const { factor, lowFreqFactor, highFreqFactor, originalContextLength: context } = scaling;
  const shortest = context / highFreqFactor;
  const longest = context / lowFreqFactor;
  return Float32Array.from({ length: dims / 2 }, (_, i) => {
    const wavelength = (2 * Math.PI) / base ** (-(2 * i) / dims);
    if (wavelength < shortest) return 1;
    if (wavelength > longest) return factor;
    const smooth = (context / wavelength - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
    return 1 / ((1 - smooth) / factor + smooth);
  });
}
