import { describe, expect, it } from 'vitest';
import { CategoricalTPE } from './categorical-tpe.js';

/** Score of a trial: best at (3, 1), worse the further each parameter is from it. */
const objective = ([a = 0, b = 0]: number[]) => -Math.abs(a - 3) - 2 * Math.abs(b - 1);

function run(seed: number, trials: number) {
  const tpe = new CategoricalTPE({ choices: [6, 4], seed });
  const suggested: number[][] = [];
  for (let trial = 0; trial < trials; trial++) {
    const params = tpe.suggest();
    suggested.push(params);
    tpe.tell(params, objective(params));
  }
  return suggested;
}

describe('CategoricalTPE', () => {
  it('suggests the same trials for the same seed and other trials for another', () => {
    expect(run(3, 20)).toEqual(run(3, 20));
    expect(run(4, 20)).not.toEqual(run(3, 20));
  });

  it('suggests values in range and homes in on the good region after startup', () => {
    let late = 0;
    let early = 0;
    for (let seed = 0; seed < 20; seed++) {
      const suggested = run(seed, 24);
      for (const [a = -1, b = -1] of suggested) {
        expect(a >= 0 && a < 6 && b >= 0 && b < 4).toBe(true);
      }
      early += suggested.slice(0, 4).filter((params) => objective(params) === 0).length;
      late += suggested.slice(16).filter((params) => objective(params) === 0).length;
    }
    // Uniform draws hit (3, 1) with p = 1/24: ~3 of the 80 startup trials; the model does far better.
    expect(early).toBeLessThan(12);
    expect(late).toBeGreaterThan(50);
  });
});
