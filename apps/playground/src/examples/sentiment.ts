// The README's example, kept compiling by the playground's typecheck.
// Run: pnpm --filter @x/playground exec tsx --conditions=x-source src/examples/sentiment.ts model.gguf
import { loadLM } from '@x/candle-native';
import { ChainOfThought, Signature } from '@x/core';

const lm = await loadLM(process.argv[2] ?? 'qwen2.5-0.5b-instruct-q8_0.gguf', { threads: 4 });
const classify = new ChainOfThought(
  Signature.from("review: str -> sentiment: Literal['positive', 'negative'], confidence: float"),
  { lm },
);

const prediction = await classify.forward({ review: 'The battery lasts two days. Love it.' });
console.log(prediction.sentiment, prediction.confidence, prediction.reasoning); // typed fields

for await (const event of classify.stream({ review: 'Broke after a week.' })) {
  if (event.type === 'field-delta') process.stdout.write(event.delta);
}

await lm.dispose();
