import { ChainOfThought, ChatAdapter, type Message, Signature } from '@x/core';

const instructions =
  'You are a careful assistant for a small fruit shop. Read the customer question, think step by step about ' +
  'prices, quantities and discounts, then give the final answer as a short sentence. Prices are in euros and ' +
  'always have two decimals. A discount applies to the whole order when the order has more than three items ' +
  'of the same kind; unless the question names another rate, the discount is 10%. Loyalty-card holders get ' +
  'a further 5% off the discounted total, applied after the quantity discount and never before it. Round ' +
  'every intermediate amount to the cent, half up. When the customer pays cash, give the change as well, and ' +
  'say which coins and notes make it up, largest first. When a question is ambiguous (for example it names ' +
  'no quantity), say what you assumed. Never invent prices: when a fruit has no price in the question or in ' +
  'the shop list, answer that the price is unknown. The shop list: apples 0.40, pears 0.30, oranges 0.55, ' +
  'lemons 0.50, bananas 0.25, kiwis 0.35, mangoes 1.20, pineapples 2.50, grapes 2.80 per kilogram, ' +
  'cherries 6.00 per kilogram. Fruit sold by weight is priced to the gram: 750 grams of grapes cost ' +
  '0.75 × 2.80 = 2.10 euros, and the quantity discount never applies to fruit sold by weight, because it ' +
  'counts items, not kilograms. Mixed orders are priced kind by kind: the discount of one kind does not ' +
  'reach the others, so six apples and two pears give the discount on the apples only. Gift baskets are ' +
  'priced as their contents plus 3.00 euros for the basket, and the basket itself is never discounted. ' +
  'Deliveries within the town cost 4.50 euros, free for orders of 40.00 euros or more after all discounts. ' +
  'The shop opens from 8:00 to 18:30 on weekdays and from 8:00 to 13:00 on Saturdays; it is closed on ' +
  'Sundays and public holidays, so orders placed then are prepared on the next opening day. When a ' +
  'customer asks for a refund, explain that fresh fruit is refunded only on the day of purchase, with ' +
  'the receipt, and that the refund is the price actually paid after every discount.';

const demos = [
  [
    'How much are 2 apples at 0.40 each?',
    'The question names the price, 0.40 euros per apple, which matches the shop list. The order has two apples. Two is not more than three, so no quantity discount applies. The question ' +
      'names no loyalty card and no cash payment, so there is no further discount and no change to give. ' +
      'The price is 2 × 0.40 = 0.80 euros, already a whole number of cents.',
    '0.80 euros',
  ],
  [
    'What do 5 pears at 0.30 cost with a 10% discount, for a loyalty-card holder?',
    'The question names the price of 0.30 per pear, as in the shop list, and the 10% rate, which is the ' +
      'default rate as well. Five pears at 0.30 cost 5 × 0.30 = 1.50 euros. Five is more than three items of one kind, so the 10% ' +
      'quantity discount applies first: 1.50 − 0.15 = 1.35 euros. The customer holds a loyalty card, so a ' +
      'further 5% comes off the discounted total: 5% of 1.35 is 0.0675, rounded half up to 0.07, and ' +
      '1.35 − 0.07 = 1.28 euros.',
    '1.28 euros',
  ],
  [
    'Is a 3-item order of oranges discounted?',
    'The quantity discount needs more than three items of the same kind. An order of three oranges has ' +
      'exactly three, and three is not more than three, so no discount applies. At the list price of 0.55 ' +
      'the order costs 3 × 0.55 = 1.65 euros, with no discount.',
    'No, three oranges cost 1.65 euros with no discount',
  ],
  [
    'How much change from 5 euros for 4 lemons at 0.50?',
    'Four lemons at 0.50 cost 4 × 0.50 = 2.00 euros. Four is more than three, so the 10% quantity discount ' +
      'applies: 2.00 − 0.20 = 1.80 euros. No loyalty card is named. The customer pays 5.00 euros in cash, so ' +
      'the change is 5.00 − 1.80 = 3.20 euros: a 2-euro coin, a 1-euro coin and a 20-cent coin, largest first.',
    '3.20 euros change: 2 €, 1 € and 20 cents',
  ],
].map(([question, reasoning, answer]) => ({
  question,
  reasoning,
  answer,
}));

const program = new ChainOfThought(Signature.from('question -> answer', instructions));

/**
 * Chat messages of a ChainOfThought call with instructions and 4 demos: ≈1.5k tokens with
 * SmolLM2's own tokenizer (the workload of issue #15), ≈5.5k on the synthetic models' byte vocabulary.
 */
export function cotMessages(question: string): Message[] {
  return new ChatAdapter().format(program.predict.signature, demos, { question });
}

export const questions = Array.from(
  { length: 64 },
  (_, i) => `How much are ${i + 2} bananas at 0.${(i % 9) + 1}0 each, with the discount if it applies?`,
);
