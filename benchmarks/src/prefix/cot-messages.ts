import { ChainOfThought, ChatAdapter, type Message, Signature } from '@x/core';

const instructions =
  'You are a careful assistant for a small shop. Read the customer question, think step by step about ' +
  'prices, quantities and discounts, then give the final answer as a short sentence. Prices are in euros; ' +
  'a discount applies to the whole order when the order has more than three items of the same kind.';

const demos = [
  ['How much are 2 apples at 0.40 each?', 'Two apples at 0.40 cost 2 × 0.40 = 0.80.', '0.80 euros'],
  [
    'What do 5 pears at 0.30 cost with a 10% discount?',
    'Five pears: 5 × 0.30 = 1.50, minus 10% is 1.35.',
    '1.35 euros',
  ],
  [
    'Is a 3-item order of oranges discounted?',
    'The discount needs more than three items of one kind; three is not more.',
    'No',
  ],
  [
    'How much change from 5 euros for 4 lemons at 0.50?',
    'Four lemons: 4 × 0.50 = 2.00; 5.00 − 2.00 = 3.00.',
    '3.00 euros',
  ],
].map(([question, reasoning, answer]) => ({
  question,
  reasoning,
  answer,
}));

const program = new ChainOfThought(Signature.from('question -> answer', instructions));

/** Chat messages of a ChainOfThought call with instructions and 4 demos (≈3k tokens on the synthetic models' byte vocabulary, ≈1k on a real one). */
export function cotMessages(question: string): Message[] {
  return new ChatAdapter().format(program.predict.signature, demos, { question });
}

export const questions = Array.from(
  { length: 64 },
  (_, i) => `How much are ${i + 2} bananas at 0.${(i % 9) + 1}0 each, with the discount if it applies?`,
);
