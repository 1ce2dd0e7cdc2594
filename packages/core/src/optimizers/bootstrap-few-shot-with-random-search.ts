import { throwIfAborted } from '../errors/abort-error.js';
import { Evaluate, type EvaluationResult } from '../evaluate/evaluate.js';
import { mapConcurrent } from '../evaluate/map-concurrent.js';
import type { BootstrapFewShotOptions } from '../modules/bootstrap-few-shot.js';
import type { Example } from '../modules/example.js';
import type { Module } from '../modules/module.js';
import { candidateProgram } from './candidate-program.js';

type Values = Record<string, unknown>;

export interface RandomSearchOptions extends Omit<BootstrapFewShotOptions, 'concurrency'> {
  /** Bootstrapped candidates after the three fixed ones (zero-shot, labeled, unshuffled). Default 16. */
  numCandidatePrograms?: number;
  /** Stop once a candidate scores at least this (a percentage, as Evaluate's score). */
  stopAtScore?: number;
  /** Calls in flight while bootstrapping and evaluating. Default 8; a local LM batches them. */
  concurrency?: number;
}

export interface RandomSearchCompileOptions<M> {
  trainset: readonly Example[];
  /** Where candidates are scored. Default: the trainset (as DSPy). */
  valset?: readonly Example[];
  teacher?: M;
  inputKeys?: readonly string[];
  /** Only these candidate indexes (-3, -2, -1, 0, 1, …), as DSPy's `restrict`. */
  restrict?: readonly number[];
  signal?: AbortSignal;
}

/** One scored candidate, best first in `candidates`. */
export interface ScoredCandidate<M> {
  index: number;
  score: number;
  subscores: number[];
  program: M;
}

/**
 * DSPy's BootstrapFewShotWithRandomSearch: builds candidate programs (see `candidateProgram`),
 * scores each on the valset with Evaluate, and returns the first with the best score. The same
 * seed gives the same program whatever the concurrency (the LM answering each prompt the same way).
 * With calls in flight together and no `stopAtScore`, the candidates are all built before any is
 * scored, and scored as one stream (`Evaluate.runMany`), so batches stay full between candidates.
 */
export class BootstrapFewShotWithRandomSearch {
  /** The candidates of the last compile, best first. */
  candidates: ScoredCandidate<Module<Values, Values>>[] = [];
  private readonly options: RandomSearchOptions;

  constructor(options: RandomSearchOptions) {
    this.options = options;
  }

  async compile<M extends Module<Values, Values>>(
    student: M,
    compileOptions: RandomSearchCompileOptions<M>,
  ): Promise<M> {
    const { numCandidatePrograms = 16, stopAtScore, concurrency = 8, seed = 0, ...bootstrap } = this.options;
    const { trainset, valset = trainset, teacher, inputKeys, restrict, signal } = compileOptions;
    const indexes = Array.from({ length: numCandidatePrograms + 3 }, (_, i) => i - 3).filter(
      (index) => !restrict || restrict.includes(index),
    );
    if (indexes.length === 0) {
      throw new RangeError(`restrict [${restrict}] names no candidate in -3..${numCandidatePrograms - 1}`);
    }
    const evaluator = new Evaluate({
      devset: valset,
      metric: this.options.metric,
      concurrency,
      displayProgress: false,
      inputKeys,
    });
    const scored: ScoredCandidate<M>[] = [];
    let best: ScoredCandidate<M> | undefined;
    const build = (index: number, calls = concurrency) =>
      candidateProgram(student, index, {
        ...bootstrap,
        concurrency: calls,
        seed,
        trainset,
        teacher,
        inputKeys,
        signal,
      });
    const add = (index: number, program: M, result: EvaluationResult) => {
      const candidate = {
        index,
        score: result.score,
        subscores: result.rows.map((row) => row.score),
        program,
      };
      scored.push(candidate);
      if (!best || candidate.score > best.score) best = candidate;
      return candidate;
    };
    if (concurrency > 1 && stopAtScore === undefined) {
      // Building a candidate never depends on another's score, so with no early stop every candidate
      // is built first and all are scored as one stream of calls: no candidate's last few calls
      // run alone (a local LM's batch stays full). The scores, and so the program, are the same.
      const programs = await buildAll(indexes, concurrency, build, signal);
      const order = scoringOrder(indexes, teacher === undefined);
      const results = await evaluator.runMany(
        order.map((i) => programs[i]!),
        { signal },
      );
      const byCandidate = new Map(order.map((i, k) => [i, results[k]!]));
      for (const [i, index] of indexes.entries()) add(index, programs[i]!, byCandidate.get(i)!);
    } else {
      for (const index of indexes) {
        throwIfAborted(signal);
        const program = await build(index);
        const candidate = add(index, program, await evaluator.run(program, { signal }));
        if (stopAtScore !== undefined && candidate.score >= stopAtScore) break;
      }
    }
    this.candidates = [...scored].sort((a, b) => b.score - a.score);
    return (best as ScoredCandidate<M>).program;
  }
}

/**
 * Every candidate of `indexes`, in order. The bootstrapped ones (index ≥ -1) are built side by
 * side, `concurrency` calls in flight between them (each BootstrapFewShot gets its share; the demos
 * it finds do not depend on it), so their teacher calls fill one batch instead of each
 * bootstrapping window running with a batch of its own.
 */
async function buildAll<M>(
  indexes: readonly number[],
  concurrency: number,
  build: (index: number, calls?: number) => Promise<M>,
  signal: AbortSignal | undefined,
): Promise<M[]> {
  const bootstrapped = indexes.filter((index) => index >= -1).length;
  const side = Math.max(1, Math.min(bootstrapped, concurrency));
  const share = Math.max(1, Math.floor(concurrency / side));
  return mapConcurrent(indexes, side, (index) => build(index, share), signal);
}

/**
 * Positions in `indexes`, in the order their candidates are scored. With the default teacher, the
 * labeled candidate (-2) goes first: its demos are that teacher's, which bootstrapping has just
 * prefilled, so a local LM's prefix cache still holds them. Candidates are added in index order
 * whatever the scoring order, so the best (the first of equal scores) is the same.
 */
function scoringOrder(indexes: readonly number[], defaultTeacher: boolean): number[] {
  const positions = indexes.map((_, i) => i);
  const labeled = indexes.indexOf(-2);
  if (!defaultTeacher || labeled <= 0) return positions;
  return [labeled, ...positions.filter((i) => i !== labeled)];
}
