import type { MachineLimits } from './machine-limits.ts';
import type { ModelCost } from './model-cost.ts';

/** A SmolLM2-sized case's cost and round limits, for tests of what is computed from them. */
export const sampleCost: ModelCost = {
  weightBytesPerToken: 140e6,
  macsPerToken: 100e6,
  floatMacsPerToken: 0,
  attentionMacsPerToken: 0,
};

export const sampleLimits: MachineLimits = {
  readBandwidthGBs: 50,
  int8PeakGMACs: 400,
  int8Instruction: 'vpdpbusd zmm, AVX-512 VNNI',
  fmaPeakGMACs: 100,
  fmaInstruction: 'vfmadd231ps zmm, AVX-512F',
};
