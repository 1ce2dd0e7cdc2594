/** The benchmark matrix of issue 4: model shapes × weight types, all synthetic with real shapes. */
export interface EngineCase {
  shape: string;
  /** A ggml type name, or a llama.cpp mix such as Q4_K_M. */
  type: string;
}

export const engineCases: EngineCase[] = [
  { shape: 'smollm2-135m', type: 'F16' },
  { shape: 'smollm2-135m', type: 'Q8_0' },
  { shape: 'smollm2-135m', type: 'Q4_K' },
  { shape: 'qwen2.5-0.5b', type: 'Q8_0' },
  { shape: 'tinyllama-1.1b', type: 'Q4_K' },
  // llama.cpp's Q4_K_M mix: Q4_K with Q6_K output and some attn_v/ffn_down, as real Q4_K_M files are
  { shape: 'tinyllama-1.1b', type: 'Q4_K_M' },
];

export const caseName = (c: EngineCase) => `${c.shape} ${c.type}`;
