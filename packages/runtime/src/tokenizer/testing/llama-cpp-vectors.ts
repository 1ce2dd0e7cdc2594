import { readFileSync } from 'node:fs';

export interface VocabVector {
  text: string;
  ids: number[];
}

/** Reads a test-tokenizer-0 pair: inputs split on "\n__ggml_vocab_test__\n", one line of ids per input. */
export function readVocabVectors(inputPath: string, outputPath: string): VocabVector[] {
  const raw = readFileSync(inputPath, 'utf8');
  const separator = '\n__ggml_vocab_test__\n';
  const inputs: string[] = [];
  let position = 0;
  while (position < raw.length) {
    const next = raw.indexOf(separator, position);
    if (next < 0) {
      inputs.push(raw.slice(position));
      break;
    }
    inputs.push(raw.slice(position, next));
    position = next + separator.length;
  }
  const lines = readFileSync(outputPath, 'utf8').split('\n');
  if (lines.at(-1) === '') lines.pop();
  if (lines.length !== inputs.length) {
    throw new Error(`${inputPath}: ${inputs.length} inputs but ${lines.length} outputs`);
  }
  return inputs.map((text, i) => {
    const line = (lines[i] as string).trim();
    return { text, ids: line === '' ? [] : line.split(' ').map(Number) };
  });
}
