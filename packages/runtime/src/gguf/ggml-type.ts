/** Tensor element types, numbered exactly as ggml's `enum ggml_type`. Gaps are ids ggml retired. */
export enum GGMLType {
  F32 = 0,
  F16 = 1,
  Q4_0 = 2,
  Q4_1 = 3,
  Q5_0 = 6,
  Q5_1 = 7,
  Q8_0 = 8,
  Q8_1 = 9,
  Q2_K = 10,
  Q3_K = 11,
  Q4_K = 12,
  Q5_K = 13,
  Q6_K = 14,
  Q8_K = 15,
  IQ2_XXS = 16,
  IQ2_XS = 17,
  IQ3_XXS = 18,
  IQ1_S = 19,
  IQ4_NL = 20,
  IQ3_S = 21,
  IQ2_S = 22,
  IQ4_XS = 23,
  I8 = 24,
  I16 = 25,
  I32 = 26,
  I64 = 27,
  F64 = 28,
  IQ1_M = 29,
  BF16 = 30,
  TQ1_0 = 34,
  TQ2_0 = 35,
  MXFP4 = 39,
}

/** Elements per block and bytes per block, from ggml's type traits. */
export interface GGMLTypeLayout {
  blockSize: number;
  typeSize: number;
}

const QK_K = 256;

const layouts: Record<GGMLType, GGMLTypeLayout> = {
  [GGMLType.F32]: { blockSize: 1, typeSize: 4 },
  [GGMLType.F16]: { blockSize: 1, typeSize: 2 },
  [GGMLType.Q4_0]: { blockSize: 32, typeSize: 18 },
  [GGMLType.Q4_1]: { blockSize: 32, typeSize: 20 },
  [GGMLType.Q5_0]: { blockSize: 32, typeSize: 22 },
  [GGMLType.Q5_1]: { blockSize: 32, typeSize: 24 },
  [GGMLType.Q8_0]: { blockSize: 32, typeSize: 34 },
  [GGMLType.Q8_1]: { blockSize: 32, typeSize: 36 },
  [GGMLType.Q2_K]: { blockSize: QK_K, typeSize: 84 },
  [GGMLType.Q3_K]: { blockSize: QK_K, typeSize: 110 },
  [GGMLType.Q4_K]: { blockSize: QK_K, typeSize: 144 },
  [GGMLType.Q5_K]: { blockSize: QK_K, typeSize: 176 },
  [GGMLType.Q6_K]: { blockSize: QK_K, typeSize: 210 },
  [GGMLType.Q8_K]: { blockSize: QK_K, typeSize: 292 },
  [GGMLType.IQ2_XXS]: { blockSize: QK_K, typeSize: 66 },
  [GGMLType.IQ2_XS]: { blockSize: QK_K, typeSize: 74 },
  [GGMLType.IQ3_XXS]: { blockSize: QK_K, typeSize: 98 },
  [GGMLType.IQ1_S]: { blockSize: QK_K, typeSize: 50 },
  [GGMLType.IQ4_NL]: { blockSize: 32, typeSize: 18 },
  [GGMLType.IQ3_S]: { blockSize: QK_K, typeSize: 110 },
  [GGMLType.IQ2_S]: { blockSize: QK_K, typeSize: 82 },
  [GGMLType.IQ4_XS]: { blockSize: QK_K, typeSize: 136 },
  [GGMLType.I8]: { blockSize: 1, typeSize: 1 },
  [GGMLType.I16]: { blockSize: 1, typeSize: 2 },
  [GGMLType.I32]: { blockSize: 1, typeSize: 4 },
  [GGMLType.I64]: { blockSize: 1, typeSize: 8 },
  [GGMLType.F64]: { blockSize: 1, typeSize: 8 },
  [GGMLType.IQ1_M]: { blockSize: QK_K, typeSize: 56 },
  [GGMLType.BF16]: { blockSize: 1, typeSize: 2 },
  [GGMLType.TQ1_0]: { blockSize: QK_K, typeSize: 54 },
  [GGMLType.TQ2_0]: { blockSize: QK_K, typeSize: 66 },
  [GGMLType.MXFP4]: { blockSize: 32, typeSize: 17 },
};

/** The block layout of `type`, or undefined when the id is not a ggml type. */
export function ggmlTypeLayout(type: number): GGMLTypeLayout | undefined {
  return Object.hasOwn(layouts, type) ? layouts[type as GGMLType] : undefined;
}

/** ggml's name for a type id ("Q4_K"), or `type <id>` when unknown. */
export function ggmlTypeName(type: number): string {
  return GGMLType[type] ?? `type ${type}`;
}
