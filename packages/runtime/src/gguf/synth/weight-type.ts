import { GGMLType, ggmlTypeLayout, ggmlTypeName } from '../ggml-type.js';
import { QUANTIZABLE_TYPES } from '../quantize.js';

/** llama.cpp file types that give different tensors different types, with their llama_ftype ids. */
export const FILE_TYPE_MIXES = { Q4_K_M: 15 } as const;

export type FileTypeMix = keyof typeof FILE_TYPE_MIXES;

/** What a synthesized file's weights are: one ggml type for every matrix, or a llama.cpp mix. */
export type WeightType = GGMLType | FileTypeMix;

// llama.cpp's llama_ftype for a file whose matrices are all of one type
const FILE_TYPE: Partial<Record<GGMLType, number>> = {
  [GGMLType.F32]: 0,
  [GGMLType.F16]: 1,
  [GGMLType.Q4_0]: 2,
  [GGMLType.Q8_0]: 7,
  [GGMLType.Q5_0]: 8,
  [GGMLType.Q4_K]: 15,
  [GGMLType.Q6_K]: 18,
  [GGMLType.BF16]: 32,
};

export function isFileTypeMix(type: unknown): type is FileTypeMix {
  return typeof type === 'string' && Object.hasOwn(FILE_TYPE_MIXES, type);
}

/** Whether `synthesizeModel` can write `type`. */
export function isSynthesizable(type: unknown): type is WeightType {
  return isFileTypeMix(type) || (typeof type === 'number' && QUANTIZABLE_TYPES.includes(type));
}

/** A synthesizable weight type from its name ("Q8_0", "Q4_K_M"), or undefined. */
export function parseWeightType(name: string): WeightType | undefined {
  const type = isFileTypeMix(name) ? name : GGMLType[name as keyof typeof GGMLType];
  return isSynthesizable(type) ? type : undefined;
}

export function weightTypeName(type: WeightType): string {
  return isFileTypeMix(type) ? type : ggmlTypeName(type);
}

/** The names `parseWeightType` accepts. */
export function synthesizableTypeNames(): string[] {
  return [...QUANTIZABLE_TYPES.map(ggmlTypeName), ...Object.keys(FILE_TYPE_MIXES)];
}

/** The value of `general.file_type` (llama_ftype) for a file of `type`. */
export function llamaFileType(type: WeightType): number {
  return isFileTypeMix(type) ? FILE_TYPE_MIXES[type] : (FILE_TYPE[type] ?? 0);
}

/** Whether the file holds block-quantized matrices, so needs `general.quantization_version`. */
export function isQuantized(type: WeightType): boolean {
  return isFileTypeMix(type) || ggmlTypeLayout(type)?.blockSize !== 1;
}
