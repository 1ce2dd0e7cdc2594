/** SiLU (swish): x·σ(x). */
export function silu(x: number): number {
  return x / (1 + Math.exp(-x));
}

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/** GELU, tanh approximation (what llama.cpp's ggml_gelu and Gemma's `gelu_pytorch_tanh` compute). */
export function geluTanh(x: number): number {
  return 0.5 * x * (1 + Math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x)));
}

/** Soft-capping: squashes x smoothly into (-cap, cap). */
export function softcap(x: number, cap: number): number {
  return cap * Math.tanh(x / cap);
}
