import type { Message } from '../../lm/lm.js';
import { seededRandom } from '../../modules/seeded-random.js';
import type { ScriptedCall, ScriptedResponse } from '../../testing/scripted-lm.js';

export type SumExample = {
  question: string;
  answer: string;
};

/** `count` sums "a + b" with their answers, the same for the same seed. */
export function sumExamples(count: number, seed = 1): SumExample[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => {
    const a = Math.floor(random() * 90) + 10;
    const b = Math.floor(random() * 90) + 10;
    return { question: `${a} + ${b}`, answer: String(a + b) };
  });
}

/** A stable number in [0, 1) for a text (FNV-1a). */
export function textHash(text: string): number {
  let hash = 0x811c9dc5;
  for (const char of text) hash = Math.imul(hash ^ (char.codePointAt(0) ?? 0), 0x01000193);
  return (hash >>> 0) / 4294967296;
}

export interface SumModelOptions {
  /** Skill added by the system message containing this phrase. */
  helpfulPhrase?: string;
  /** Questions hashing below this get text that does not parse. Default 0. */
  garbleBelow?: number;
}

/**
 * A scripted "model" for sums: answers a question right when its hash falls under a skill that grows
 * with the demos in the prompt (0.25 + 0.15 per demo, up to 4) and with the helpful phrase in the
 * instructions (+0.3); otherwise it is off by one. Deterministic, so any scheduling gives the same text.
 */
export function sumModel(options: SumModelOptions = {}) {
  return ({ messages }: ScriptedCall): ScriptedResponse => {
    const all = messages ?? [];
    const question = lastQuestion(all);
    const match = /(\d+) \+ (\d+)/.exec(question);
    if (!match) return '[[ ## answer ## ]]\n?\n\n[[ ## completed ## ]]';
    const hash = textHash(question);
    if (hash < (options.garbleBelow ?? 0)) return 'I do not know.';
    const demos = all.filter((message) => message.role === 'assistant').length;
    const system = all.find((message) => message.role === 'system')?.content ?? '';
    const helped = options.helpfulPhrase !== undefined && system.includes(options.helpfulPhrase);
    const skill = 0.25 + 0.15 * Math.min(demos, 4) + (helped ? 0.3 : 0);
    const sum = Number(match[1]) + Number(match[2]);
    const answer = hash < skill ? sum : sum + 1;
    return `[[ ## answer ## ]]\n${answer}\n\n[[ ## completed ## ]]`;
  };
}

export function lastQuestion(messages: readonly Message[]): string {
  return /\[\[ ## question ## \]\]\n([^\n]*)/.exec(messages.at(-1)?.content ?? '')?.[1] ?? '';
}

export const exactAnswer = (example: { answer?: unknown }, prediction: { answer?: unknown }) =>
  example.answer === prediction.answer;
