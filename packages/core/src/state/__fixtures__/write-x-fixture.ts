// Writes x-chain-of-thought.json and x-react.json, which make-dspy-fixtures.py checks DSPy 3.3.1 can load:
// node --import tsx --conditions=x-source packages/core/src/state/__fixtures__/write-x-fixture.ts
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ChainOfThought } from '../../modules/chain-of-thought.js';
import { ReAct } from '../../modules/react.js';
import { Tool } from '../../tools/tool.js';
import { saveProgram } from '../save-program.js';

const program = new ChainOfThought('question -> answer');
program.predict.signature = program.predict.signature.withInstructions('Answer the café question.');
program.predict.demos = [{ question: 'Q', reasoning: 'R', answer: 'Ä' }];
const here = path.dirname(fileURLToPath(import.meta.url));
await saveProgram(program, path.join(here, 'x-chain-of-thought.json'));

const getWeather = new Tool({
  name: 'get_weather',
  desc: 'Get the weather for a city.',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  execute: ({ city }) => `sunny in ${city}`,
});
const react = new ReAct('question -> answer', { tools: [getWeather], maxIters: 3 });
react.react.signature = react.react.signature.withInstructions('Use the tools, then finish.');
react.react.demos = [
  {
    question: 'Weather in Oslo?',
    trajectory: '',
    next_thought: 'Ask the tool.',
    next_tool_name: 'get_weather',
    next_tool_args: { city: 'Oslo' },
  },
];
react.extract.predict.demos = [{ question: 'Q', trajectory: 'T', reasoning: 'R', answer: 'A' }];
await saveProgram(react, path.join(here, 'x-react.json'));
