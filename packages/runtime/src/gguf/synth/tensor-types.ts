import { GGMLType } from '../ggml-type.js';
import { matrixType } from './matrix-type.js';
import { mixTensorType } from './mix-tensor-type.js';
import type { TensorPlan } from './model-tensors.js';
import { isFileTypeMix, type WeightType } from './weight-type.js';

/**
 * The type each of `plans` is written in: norms and biases F32; matrices the requested type or the mix's
 * choice for them, then the row fallback where rows are not whole blocks of that type.
 */
export function tensorTypes(plans: TensorPlan[], type: WeightType, layers: number): GGMLType[] {
  const hasOutput = plans.some((plan) => plan.name === 'output.weight');
  return plans.map((plan) => {
    if (plan.role !== 'matrix') return GGMLType.F32;
    const requested = isFileTypeMix(type)
      ? mixTensorType(type, { name: plan.name, layer: plan.layer, layers, hasOutput })
      : type;
    return matrixType(requested, plan.shape[0] as number);
  });
}
