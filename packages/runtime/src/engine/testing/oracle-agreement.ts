import { argmax } from '../../sampling/argmax.js';

/**
 * Below this relative shortfall a token is a near tie with the top one: float differences between
 * implementations (f32 sum order, llama.cpp's quantized activations) may legitimately flip the pick.
 * The one rule every greedy comparison with an oracle uses.
 */
export const NEAR_TIE = 0.01;

/** (top − logits[token]) / |top| of one logits row: 0 when `token` is its argmax. */
export function shortfall(logits: ArrayLike<number>, token: number): number {
  const top = logits[argmax(logits)]!;
  return (top - logits[token]!) / Math.max(Math.abs(top), 1e-9);
}

/**
 * How a pick compares with the oracle's on one row of logits (`logits` is the side judged: whose
 * numbers must see the other's token within NEAR_TIE of their top).
 */
export function agreesWithOracle(
  logits: ArrayLike<number>,
  oracleToken: number,
): 'agrees' | 'near-tie' | 'disagrees' {
  if (argmax(logits) === oracleToken) return 'agrees';
  return shortfall(logits, oracleToken) < NEAR_TIE ? 'near-tie' : 'disagrees';
}
