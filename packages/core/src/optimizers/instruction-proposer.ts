import type { Demo } from '../adapters/adapter.js';
import type { LM } from '../lm/lm.js';
import type { Example } from '../modules/example.js';
import { Predict } from '../modules/predict.js';
import { sample, seededRandom } from '../modules/seeded-random.js';
import { Signature } from '../signature/signature.js';

/** Hints that vary the proposals, the idea of DSPy's grounded proposer's TIPS, in our words. */
export const proposalTips: readonly string[] = [
  '',
  'Feel free to be creative.',
  'Keep it short and clear.',
  'Be thorough and descriptive.',
  'Frame the task as one where a mistake is costly.',
  'Start by giving the model a fitting role ("You are a ...").',
];

const describeData = Signature.from(
  'examples: str -> summary: str',
  'Read these examples from a dataset and describe, in two or three sentences, what they have in ' +
    'common and what task they are meant for.',
);

const proposeStep = Signature.from(
  'dataset_description: str, program_signature: str, current_instruction: str, task_demos: str, tip: str ' +
    '-> proposed_instruction: str',
  'You write the instruction for one step of a language-model program. Read what the data looks ' +
    "like, the step's input and output fields, its current instruction and some worked examples, " +
    'then write a better instruction for the step. Follow the tip when there is one.',
);

const improveStep = Signature.from(
  'program_signature: str, attempted_instructions: str -> proposed_instruction: str',
  'You write the instruction for one step of a language-model program. Earlier instructions are ' +
    'listed with their scores, worst first. Write a new instruction that should score higher than all of them.',
);

export interface ProposalCallOptions {
  lm: LM;
  /** Sampling temperature of the proposal calls. */
  temperature: number;
  /** Seeds the sampling of each call (a local LM repeats itself for the same seed). */
  seed: number;
  signal?: AbortSignal;
}

/** A short description of the dataset from up to `sampleSize` seeded examples (one LM call). */
export async function describeDataset(
  trainset: readonly Example[],
  sampleSize: number,
  call: ProposalCallOptions,
): Promise<string> {
  const examples = sample(trainset, sampleSize, seededRandom(call.seed))
    .map((example, index) => `Example ${index + 1}:\n${demoText(example)}`)
    .join('\n\n');
  const prediction = await new Predict(describeData, { lm: call.lm }).forward(
    { examples },
    { temperature: call.temperature, seed: call.seed, signal: call.signal },
  );
  return prediction.summary;
}

/** One new instruction for `signature`, grounded in the dataset description and demos. */
export async function proposeInstruction(
  signature: Signature,
  context: { datasetDescription: string; demos: readonly Demo[]; tip: string },
  call: ProposalCallOptions,
): Promise<string> {
  const prediction = await new Predict(proposeStep, { lm: call.lm }).forward(
    {
      dataset_description: context.datasetDescription,
      program_signature: describeSignature(signature),
      current_instruction: signature.instructions,
      task_demos: context.demos.length === 0 ? 'No examples.' : context.demos.map(demoText).join('\n\n'),
      tip: context.tip,
    },
    { temperature: call.temperature, seed: call.seed, signal: call.signal },
  );
  return String(prediction.proposed_instruction).trim();
}

/** A new instruction for `signature` given earlier ones and their scores (COPRO's depth step). */
export async function improveInstruction(
  signature: Signature,
  attempts: ReadonlyArray<{ instruction: string; score: number }>,
  call: ProposalCallOptions,
): Promise<string> {
  const listed = [...attempts]
    .sort((a, b) => a.score - b.score)
    .map(
      (attempt, index) =>
        `Instruction #${index + 1}: ${attempt.instruction}\nScore #${index + 1}: ${attempt.score}`,
    )
    .join('\n\n');
  const prediction = await new Predict(improveStep, { lm: call.lm }).forward(
    { program_signature: describeSignature(signature), attempted_instructions: listed },
    { temperature: call.temperature, seed: call.seed, signal: call.signal },
  );
  return prediction.proposed_instruction.trim();
}

function describeSignature(signature: Signature): string {
  const list = (fields: Signature['inputFields']) => fields.map((field) => field.name).join(', ');
  return `inputs: ${list(signature.inputFields)}; outputs: ${list(signature.outputFields)}`;
}

function demoText(demo: Demo): string {
  return Object.entries(demo)
    .map(([key, value]) => `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join('\n');
}
