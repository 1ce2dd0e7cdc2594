import { throwIfAborted } from '../errors/abort-error.js';
import { UnsupportedError } from '../errors/unsupported-error.js';
import { Evaluate } from '../evaluate/evaluate.js';
import type { Metric } from '../evaluate/metric.js';
import type { LM } from '../lm/lm.js';
import type { Example } from '../modules/example.js';
import type { Module } from '../modules/module.js';
import type { Signature } from '../signature/signature.js';
import { mixSeed } from './candidate-program.js';
import { improveInstruction, proposalTips, proposeInstruction } from './instruction-proposer.js';

type Values = Record<string, unknown>;

export interface COPROOptions {
  metric: Metric;
  /** Proposes instructions. Default: the LM of the student's first predictor. */
  promptModel?: LM;
  /** Instructions tried per predictor per round, the original among the first. Default 10. */
  breadth?: number;
  /** Rounds; each after the first proposes from the scored attempts so far. Default 3. */
  depth?: number;
  /** Temperature of the proposal calls. Default 1.4, as DSPy's. */
  initTemperature?: number;
  /** Calls in flight while evaluating. Default 8; a local LM batches them. */
  concurrency?: number;
  seed?: number;
}

/** One scored instruction of one predictor. */
export interface COPROAttempt {
  predictor: string;
  depth: number;
  instruction: string;
  score: number;
}

/**
 * DSPy's COPRO: coordinate ascent over instructions. Each round proposes `breadth` instructions per
 * predictor (the first round from the original, later ones from the scored attempts so far),
 * scores each on the trainset with the other predictors at their best, and keeps the best. Built on
 * the same proposer and Evaluate as MIPROv2; output-field prefixes are not proposed (DSPy's are).
 */
export class COPRO {
  /** Every scored attempt of the last compile, in order. */
  attempts: COPROAttempt[] = [];
  private readonly options: COPROOptions;

  constructor(options: COPROOptions) {
    this.options = options;
  }

  async compile<M extends Module<Values, Values>>(
    student: M,
    compileOptions: { trainset: readonly Example[]; inputKeys?: readonly string[]; signal?: AbortSignal },
  ): Promise<M> {
    const { breadth = 10, depth = 3, initTemperature = 1.4, concurrency = 8, seed = 0 } = this.options;
    if (breadth < 2) throw new RangeError(`breadth must be at least 2, got ${breadth}`);
    const { trainset, inputKeys, signal } = compileOptions;
    const lm = this.options.promptModel ?? firstLM(student);
    const evaluator = new Evaluate({
      devset: trainset,
      metric: this.options.metric,
      concurrency,
      displayProgress: false,
      inputKeys,
    });
    const program = student.clone();
    const predictors = program.namedPredictors();
    const originals = predictors.map(([name, predictor]) => {
      if (!predictor.signature)
        throw new UnsupportedError('copro-signature', `predictor '${name}' has no signature`);
      return predictor.signature;
    });
    const call = (position: number, round: number, index: number) => ({
      lm,
      temperature: initTemperature,
      seed: mixSeed(seed, 10_000 * position + 100 * round + index),
      signal,
    });
    this.attempts = [];
    const scored = predictors.map(() => new Map<string, number>());
    const pending: string[][] = [];
    for (const [position, signature] of originals.entries()) {
      const proposals = [signature.instructions];
      for (let index = 1; index < breadth; index++) {
        const tip = proposalTips[index % proposalTips.length] ?? '';
        proposals.push(
          await proposeInstruction(
            signature,
            { datasetDescription: '', demos: [], tip },
            call(position, 0, index),
          ),
        );
      }
      pending.push(proposals);
    }
    for (let round = 0; round < depth; round++) {
      for (const [position, [name, predictor]] of predictors.entries()) {
        const signature = originals[position] as Signature;
        const seen = scored[position] as Map<string, number>;
        for (const instruction of pending[position] ?? []) {
          throwIfAborted(signal);
          if (seen.has(instruction)) continue;
          predictor.signature = signature.withInstructions(instruction);
          const score = (await evaluator.run(program, { signal })).score;
          seen.set(instruction, score);
          this.attempts.push({ predictor: name, depth: round, instruction, score });
        }
        predictor.signature = signature.withInstructions(bestOf(seen));
      }
      if (round === depth - 1) break;
      for (const [position] of predictors.entries()) {
        const attempts = [...(scored[position] as Map<string, number>)]
          .map(([instruction, score]) => ({ instruction, score }))
          .sort((a, b) => b.score - a.score)
          .slice(0, breadth);
        const proposals: string[] = [];
        for (let index = 0; index < breadth; index++) {
          proposals.push(
            await improveInstruction(
              originals[position] as Signature,
              attempts,
              call(position, round + 1, index),
            ),
          );
        }
        pending[position] = proposals;
      }
    }
    return program;
  }
}

/** The first instruction with the highest score. */
function bestOf(scores: Map<string, number>): string {
  let best: [string, number] | undefined;
  for (const entry of scores) if (!best || entry[1] > best[1]) best = entry;
  return best?.[0] ?? '';
}

function firstLM(program: Module<Values, Values>): LM {
  for (const [, predictor] of program.namedPredictors()) {
    const lm = (predictor as { lm?: LM }).lm;
    if (lm) return lm;
  }
  throw new UnsupportedError('copro-prompt-model', 'pass promptModel: no predictor of the student has an LM');
}
