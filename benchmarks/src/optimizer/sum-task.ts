import { seededRandom } from '@x/core';

export type SumExample = { question: string; answer: string };

/** `count` word problems "Ann has a apples and gets b more. How many apples?" with their answers. */
export function sumProblems(count: number, seed: number): SumExample[] {
  const random = seededRandom(seed);
  const names = ['Ann', 'Ben', 'Cleo', 'Dev', 'Eli', 'Fay'];
  const things = ['apples', 'marbles', 'stamps', 'books'];
  return Array.from({ length: count }, () => {
    const a = 10 + Math.floor(random() * 90);
    const b = 10 + Math.floor(random() * 90);
    const name = names[Math.floor(random() * names.length)];
    const thing = things[Math.floor(random() * things.length)];
    return {
      question: `${name} has ${a} ${thing} and gets ${b} more. How many ${thing}?`,
      answer: String(a + b),
    };
  });
}

export const exactAnswer = (example: { answer?: unknown }, prediction: { answer?: unknown }) =>
  String(example.answer) === String(prediction.answer).trim();

/** A stable number in [0, 1) for a text (FNV-1a). */
export function textHash(text: string): number {
  let hash = 0x811c9dc5;
  for (const char of text) hash = Math.imul(hash ^ (char.codePointAt(0) ?? 0), 0x01000193);
  return (hash >>> 0) / 4294967296;
}
