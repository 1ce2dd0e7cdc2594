// Writes x-chain-of-thought.json, which make-dspy-fixtures.py checks DSPy 3.3.1 can load:
// node --import tsx --conditions=x-source packages/core/src/state/__fixtures__/write-x-fixture.ts
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ChainOfThought } from '../../modules/chain-of-thought.js';
import { saveProgram } from '../save-program.js';

const program = new ChainOfThought('question -> answer');
program.predict.signature = program.predict.signature.withInstructions('Answer the café question.');
program.predict.demos = [{ question: 'Q', reasoning: 'R', answer: 'Ä' }];
await saveProgram(program, path.join(path.dirname(fileURLToPath(import.meta.url)), 'x-chain-of-thought.json'));
