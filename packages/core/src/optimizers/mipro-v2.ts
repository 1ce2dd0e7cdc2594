import type { Demo } from '../adapters/adapter.js';
import { throwIfAborted } from '../errors/abort-error.js';
import { UnsupportedError } from '../errors/unsupported-error.js';
import { Evaluate } from '../evaluate/evaluate.js';
import type { LM } from '../lm/lm.js';
import type { BootstrapFewShotOptions } from '../modules/bootstrap-few-shot.js';
import type { Example } from '../modules/example.js';
import type { Module, Predictor } from '../modules/module.js';
import { sample, seededRandom } from '../modules/seeded-random.js';
import type { Signature } from '../signature/signature.js';
import { candidateProgram, mixSeed } from './candidate-program.js';
import { CategoricalTPE } from './categorical-tpe.js';
import { describeDataset, proposalTips, proposeInstruction } from './instruction-proposer.js';

type Values = Record<string, unknown>;

export interface MIPROv2Options
  extends Omit<BootstrapFewShotOptions, 'concurrency' | 'maxBootstrappedDemos' | 'maxLabeledDemos'> {
  /** Proposes instructions. Default: the LM of the student's first predictor. */
  promptModel?: LM;
  /** Instruction candidates and demo-set candidates per predictor (the original of each included). Default 6. */
  numCandidates?: number;
  /** Search trials after the default program. Default 12. */
  numTrials?: number;
  /** Score trials on a seeded minibatch of the valset, and only the most promising on all of it. Default true. */
  minibatch?: boolean;
  /** Default 35. */
  minibatchSize?: number;
  /** A full evaluation every this many trials (and after the last). Default 5. */
  minibatchFullEvalSteps?: number;
  /** Default 4, as DSPy's. */
  maxBootstrappedDemos?: number;
  /** Default 4, as DSPy's. */
  maxLabeledDemos?: number;
  /** Temperature of the proposal calls. Default 1. */
  initTemperature?: number;
  /** Examples the dataset description is written from. Default 10. */
  viewDataBatchSize?: number;
  /** Calls in flight while bootstrapping and evaluating. Default 8; a local LM batches them. */
  concurrency?: number;
}

export interface MIPROv2CompileOptions<M> {
  trainset: readonly Example[];
  /** Default: the last 80% of the trainset, the first 20% left for demos (as DSPy). */
  valset?: readonly Example[];
  teacher?: M;
  inputKeys?: readonly string[];
  signal?: AbortSignal;
}

/** One search trial: an instruction and a demo set index per predictor, and its score. */
export interface MIPROTrial {
  instructions: number[];
  demoSets: number[];
  score: number;
  /** True when scored on a minibatch, false on the whole valset. */
  minibatch: boolean;
}

/**
 * DSPy's MIPROv2, in three steps: bootstrap candidate demo sets (as the random search does), have
 * a prompt model propose instructions for each predictor from a dataset description, its signature,
 * the demos and a tip, then search instruction × demo-set combinations with a seeded categorical TPE
 * (not optuna) on minibatches, fully evaluating the most promising every few trials. Deterministic
 * for a seed when the LMs answer each prompt the same way; cancellable by the signal.
 */
export class MIPROv2 {
  /** Proposed instructions per predictor (index 0: the original) of the last compile. */
  instructionCandidates: string[][] = [];
  /** The trials of the last compile, in order; the first is the default program. */
  trials: MIPROTrial[] = [];
  private readonly options: MIPROv2Options;

  constructor(options: MIPROv2Options) {
    this.options = options;
  }

  async compile<M extends Module<Values, Values>>(
    student: M,
    compileOptions: MIPROv2CompileOptions<M>,
  ): Promise<M> {
    const {
      numCandidates = 6,
      numTrials = 12,
      minibatch = true,
      minibatchSize = 35,
      minibatchFullEvalSteps = 5,
      maxBootstrappedDemos = 4,
      maxLabeledDemos = 4,
      initTemperature = 1,
      viewDataBatchSize = 10,
      concurrency = 8,
      seed = 9,
      promptModel,
      ...bootstrap
    } = this.options;
    const { signal, teacher, inputKeys } = compileOptions;
    const { trainset, valset } = splitDatasets(compileOptions.trainset, compileOptions.valset);
    const lm = promptModel ?? firstLM(student);
    const predictors = student.namedPredictors();
    const signatures = predictors.map(([name, predictor]) => requireSignature(name, predictor));

    const demoSets: Demo[][][] = predictors.map(() => []);
    for (let index = -3; index < numCandidates - 3; index++) {
      throwIfAborted(signal);
      const program = await candidateProgram(student, index, {
        ...bootstrap,
        maxBootstrappedDemos,
        maxLabeledDemos,
        concurrency,
        seed,
        trainset,
        teacher,
        inputKeys,
        signal,
      });
      for (const [position, [, predictor]] of program.namedPredictors().entries()) {
        demoSets[position]?.push([...predictor.demos]);
      }
    }

    const call = { lm, temperature: initTemperature, signal };
    const datasetDescription = await describeDataset(trainset, viewDataBatchSize, { ...call, seed });
    const tipRandom = seededRandom(mixSeed(seed, 1));
    this.instructionCandidates = [];
    for (const [position, signature] of signatures.entries()) {
      const proposals = [signature.instructions];
      for (let index = 1; index < numCandidates; index++) {
        const sets = demoSets[position] ?? [];
        const tip = proposalTips[Math.floor(tipRandom() * proposalTips.length)] ?? '';
        proposals.push(
          await proposeInstruction(
            signature,
            { datasetDescription, demos: sets[index % sets.length] ?? [], tip },
            { ...call, seed: mixSeed(seed, 1000 * (position + 1) + index) },
          ),
        );
      }
      this.instructionCandidates.push(proposals);
    }

    const build = (instructions: number[], sets: number[]): M => {
      const program = student.clone();
      program.namedPredictors().forEach(([, predictor], position) => {
        const signature = signatures[position] as Signature;
        predictor.signature = signature.withInstructions(
          this.instructionCandidates[position]?.[instructions[position] ?? 0] ?? '',
        );
        predictor.demos = demoSets[position]?.[sets[position] ?? 0] ?? [];
      });
      return program;
    };
    const evaluator = new Evaluate({
      devset: valset,
      metric: this.options.metric,
      concurrency,
      displayProgress: false,
      inputKeys,
    });
    const fullScore = async (program: M) => (await evaluator.run(program, { signal })).score;

    const zeros = predictors.map(() => 0);
    let best = { program: build(zeros, zeros), score: 0 };
    best.score = await fullScore(best.program);
    this.trials = [{ instructions: zeros, demoSets: zeros, score: best.score, minibatch: false }];
    const fullyEvaluated = new Set<string>([key(zeros, zeros)]);
    const minibatchScores = new Map<string, { instructions: number[]; sets: number[]; scores: number[] }>();
    const tpe = new CategoricalTPE({
      choices: predictors.flatMap((_, position) => [numCandidates, demoSets[position]?.length ?? 1]),
      seed: mixSeed(seed, 2),
    });
    const batchRandom = seededRandom(mixSeed(seed, 3));
    const useMinibatch = minibatch && minibatchSize < valset.length;

    const evaluateBestOfMinibatches = async () => {
      const ranked = [...minibatchScores.entries()]
        .filter(([combination]) => !fullyEvaluated.has(combination))
        .map(([combination, entry]) => ({ combination, ...entry, mean: mean(entry.scores) }))
        .sort((a, b) => b.mean - a.mean);
      const top = ranked[0];
      if (!top) return;
      fullyEvaluated.add(top.combination);
      const program = build(top.instructions, top.sets);
      const score = await fullScore(program);
      this.trials.push({ instructions: top.instructions, demoSets: top.sets, score, minibatch: false });
      if (score > best.score) best = { program, score };
    };

    for (let trial = 1; trial <= numTrials; trial++) {
      throwIfAborted(signal);
      const params = tpe.suggest();
      const instructions = params.filter((_, index) => index % 2 === 0);
      const sets = params.filter((_, index) => index % 2 === 1);
      const program = build(instructions, sets);
      if (!useMinibatch) {
        const score = await fullScore(program);
        tpe.tell(params, score);
        this.trials.push({ instructions, demoSets: sets, score, minibatch: false });
        if (score > best.score) best = { program, score };
        continue;
      }
      const batch = sample(valset, minibatchSize, batchRandom);
      const score = (await evaluator.run(program, { signal, devset: batch })).score;
      tpe.tell(params, score);
      this.trials.push({ instructions, demoSets: sets, score, minibatch: true });
      const combination = key(instructions, sets);
      const entry = minibatchScores.get(combination) ?? { instructions, sets, scores: [] };
      entry.scores.push(score);
      minibatchScores.set(combination, entry);
      if (trial % minibatchFullEvalSteps === 0 || trial === numTrials) await evaluateBestOfMinibatches();
    }
    return best.program;
  }
}

function splitDatasets(trainset: readonly Example[], valset: readonly Example[] | undefined) {
  if (trainset.length === 0) throw new RangeError('MIPROv2 needs a non-empty trainset');
  if (valset) return { trainset, valset };
  if (trainset.length < 2)
    throw new RangeError('MIPROv2 needs a valset or a trainset of at least 2 examples');
  // dspy/teleprompt/mipro_optimizer_v2.py _set_and_validate_datasets: the last 80% become the valset.
  const valsetSize = Math.min(1000, Math.max(1, Math.floor(trainset.length * 0.8)));
  const cutoff = trainset.length - valsetSize;
  return { trainset: trainset.slice(0, cutoff), valset: trainset.slice(cutoff) };
}

function firstLM(program: Module<Values, Values>): LM {
  for (const [, predictor] of program.namedPredictors()) {
    const lm = (predictor as { lm?: LM }).lm;
    if (lm) return lm;
  }
  throw new UnsupportedError('mipro-prompt-model', 'pass promptModel: no predictor of the student has an LM');
}

function requireSignature(name: string, predictor: Predictor): Signature {
  if (!predictor.signature) {
    throw new UnsupportedError(
      'mipro-signature',
      `predictor '${name}' has no signature whose instructions could change`,
    );
  }
  return predictor.signature;
}

function key(instructions: readonly number[], sets: readonly number[]): string {
  return `${instructions.join(',')}|${sets.join(',')}`;
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}
