import type { MachineLimits } from './machine-limits.ts';
import type { ModelCost } from './model-cost.ts';

/** How close a run came to the machine's limits, as fractions (1 = at the limit). */
export interface LimitShares {
  /** decode tok/s × weight bytes per token ÷ read bandwidth. */
  decodeShareOfBandwidth: number;
  /** prefill tok/s × int8 multiply-adds per token ÷ int8 peak (every matrix counted as int8). */
  prefillShareOfInt8Peak: number;
  /**
   * prefill tok/s × the least time a token's arithmetic takes at the peak of the instructions it runs
   * in: the quantized matrices' multiply-adds at the int8 peak; the float matrices' (F16, BF16, F32)
   * and attention's at the f32 FMA peak.
   */
  prefillShareOfArithmeticPeak: number;
}

export function limitShares(
  rates: { decodeTokensPerSecond: number; prefillTokensPerSecond: number },
  cost: ModelCost,
  limits: MachineLimits,
): LimitShares {
  return {
    decodeShareOfBandwidth:
      (rates.decodeTokensPerSecond * cost.weightBytesPerToken) / (limits.readBandwidthGBs * 1e9),
    prefillShareOfInt8Peak: (rates.prefillTokensPerSecond * cost.macsPerToken) / (limits.int8PeakGMACs * 1e9),
    prefillShareOfArithmeticPeak:
      rates.prefillTokensPerSecond *
      ((cost.macsPerToken - cost.floatMacsPerToken) / (limits.int8PeakGMACs * 1e9) +
        (cost.floatMacsPerToken + cost.attentionMacsPerToken) / (limits.fmaPeakGMACs * 1e9)),
  };
}

/** A share as a table cell: "64%". */
export const percent = (share: number): string => `${(share * 100).toFixed(0)}%`;
