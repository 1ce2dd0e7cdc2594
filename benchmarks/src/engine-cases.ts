/** The benchmark matrix of issue 4: model shapes × weight types, all synthetic with real shapes. */
export interface EngineCase {
  shape: string;
  type: string;
}

export const engineCases: EngineCase[] = [
  { shape: 'smollm2-135m', type: 'F16' },
  { shape: 'smollm2-135m', type: 'Q8_0' },
  { shape: 'smollm2-135m', type: 'Q4_K' },
  { shape: 'qwen2.5-0.5b', type: 'Q8_0' },
  { shape: 'tinyllama-1.1b', type: 'Q4_K' },
];

export const caseName = (c: EngineCase) => `${c.shape} ${c.type}`;
