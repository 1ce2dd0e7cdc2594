import { BootstrapFewShot, type BootstrapFewShotOptions } from '../modules/bootstrap-few-shot.js';
import type { Example } from '../modules/example.js';
import { LabeledFewShot } from '../modules/labeled-few-shot.js';
import type { Module } from '../modules/module.js';
import { seededRandom, shuffled } from '../modules/seeded-random.js';

type Values = Record<string, unknown>;

export interface CandidateProgramOptions extends Omit<BootstrapFewShotOptions, 'seed'> {
  trainset: readonly Example[];
  teacher?: Module<Values, Values>;
  inputKeys?: readonly string[];
  /** Seeds every random choice; candidate `n` uses a stream derived from it and `n`. */
  seed: number;
  signal?: AbortSignal;
}

/**
 * Candidate `index` of DSPy's random search (`range(-3, num_candidate_sets)`): -3 the student with
 * no demos, -2 LabeledFewShot, -1 BootstrapFewShot over the trainset in order, and n ≥ 0
 * BootstrapFewShot over a seeded shuffle with a seeded number of bootstrapped demos in
 * [1, maxBootstrappedDemos]. Our PRNG is not Python's, so the shuffles differ from DSPy's.
 */
export async function candidateProgram<M extends Module<Values, Values>>(
  student: M,
  index: number,
  options: CandidateProgramOptions,
): Promise<M> {
  const { trainset, teacher, inputKeys, seed, signal, ...bootstrap } = options;
  const maxLabeledDemos = bootstrap.maxLabeledDemos ?? 16;
  const maxBootstrappedDemos = bootstrap.maxBootstrappedDemos ?? 4;
  if (index === -3) return resetCopy(student);
  if (index === -2)
    return new LabeledFewShot({ k: maxLabeledDemos, seed }).compile(resetCopy(student), trainset);
  const compile = (examples: readonly Example[], maxBootstrapped: number) =>
    new BootstrapFewShot({ ...bootstrap, maxBootstrappedDemos: maxBootstrapped, seed }).compile(student, {
      trainset: examples,
      teacher: teacher as M | undefined,
      inputKeys,
      signal,
    });
  if (index === -1) return compile(trainset, maxBootstrappedDemos);
  const random = seededRandom(mixSeed(seed, index));
  const order = shuffled(trainset, random);
  const size = 1 + Math.floor(random() * Math.max(1, maxBootstrappedDemos));
  return compile(order, Math.min(size, maxBootstrappedDemos));
}

/** A copy of `program` with every predictor's demos emptied (DSPy's `reset_copy`, instructions kept). */
export function resetCopy<M extends Module<Values, Values>>(program: M): M {
  const copy = program.clone();
  for (const [, predictor] of copy.namedPredictors()) predictor.demos = [];
  return copy;
}

/** A 32-bit seed for stream `index` of `seed`. */
export function mixSeed(seed: number, index: number): number {
  return (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(index + 0x632be5ab, 0x85ebca6b)) >>> 0;
}
