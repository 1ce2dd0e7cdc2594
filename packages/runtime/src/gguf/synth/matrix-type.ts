import { GGMLType, ggmlTypeLayout } from '../ggml-type.js';

// What llama.cpp falls back to when a row is not a whole number of 256-value K blocks
const ROW_FALLBACK: Partial<Record<GGMLType, GGMLType>> = {
  [GGMLType.Q4_K]: GGMLType.Q5_0,
  [GGMLType.Q6_K]: GGMLType.Q8_0,
  [GGMLType.Q5_0]: GGMLType.F16,
  [GGMLType.Q4_0]: GGMLType.F16,
  [GGMLType.Q8_0]: GGMLType.F16,
};

/** The type a matrix with rows of `rowLength` values gets when `requested` does not fit it. */
export function matrixType(requested: GGMLType, rowLength: number): GGMLType {
  let type: GGMLType | undefined = requested;
  while (type !== undefined) {
    const layout = ggmlTypeLayout(type);
    if (layout !== undefined && rowLength % layout.blockSize === 0) return type;
    type = ROW_FALLBACK[type];
  }
  return GGMLType.F32;
}
