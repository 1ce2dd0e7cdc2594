import { UnsupportedError } from '@x/core';
import { GGMLType, ggmlTypeLayout, ggmlTypeName } from './ggml-type.js';
import { quantizeBF16, quantizeF16, quantizeF32 } from './quant/float.js';
import { quantizeQ4_0 } from './quant/q4-0.js';
import { quantizeQ4_K } from './quant/q4-k.js';
import { quantizeQ5_0 } from './quant/q5-0.js';
import { quantizeQ6_K } from './quant/q6-k.js';
import { quantizeQ8_0 } from './quant/q8-0.js';

const quantizers: Partial<Record<GGMLType, (values: Float32Array) => Uint8Array>> = {
  [GGMLType.F32]: quantizeF32,
  [GGMLType.F16]: quantizeF16,
  [GGMLType.BF16]: quantizeBF16,
  [GGMLType.Q8_0]: quantizeQ8_0,
  [GGMLType.Q4_0]: quantizeQ4_0,
  [GGMLType.Q5_0]: quantizeQ5_0,
  [GGMLType.Q4_K]: quantizeQ4_K,
  [GGMLType.Q6_K]: quantizeQ6_K,
};

/** The types `quantize` can produce. */
export const QUANTIZABLE_TYPES: readonly GGMLType[] = Object.keys(quantizers).map(Number);

/** Encodes f32 values in ggml's block layout for `type`; the length must be a whole number of blocks. */
export function quantize(type: GGMLType, values: Float32Array): Uint8Array {
  const quantizer = quantizers[type];
  const layout = ggmlTypeLayout(type);
  if (quantizer === undefined || layout === undefined) {
    throw new UnsupportedError(`quantize-${ggmlTypeName(type)}`, `cannot quantize to ${ggmlTypeName(type)}`);
  }
  if (values.length % layout.blockSize !== 0) {
    throw new RangeError(
      `${values.length} values are not a whole number of ${ggmlTypeName(type)} blocks of ${layout.blockSize}`,
    );
  }
  return quantizer(values);
}
