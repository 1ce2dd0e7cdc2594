// docs/getting-started.md's program, kept compiling by the playground's typecheck.
// Run: pnpm --filter @x/playground exec tsx --conditions=x-source src/examples/getting-started.ts [model]
import { loadLM } from '@x/candle-native';
import { AdapterParseError, Predict, Signature } from '@x/core';

// A path, or a hub reference such as hf:Qwen/Qwen2.5-0.5B-Instruct-GGUF/qwen2.5-0.5b-instruct-q8_0.gguf
const model = process.argv[2] ?? 'models/stories260K.gguf';
const lm = await loadLM(model, { threads: 2 });
const answer = new Predict(Signature.from('question -> answer, confidence: float'), {
  lm,
  config: { maxTokens: 64, temperature: 0 },
});

try {
  const prediction = await answer.forward({ question: 'What did Lily find in the park?' });
  console.log('answer:', prediction.answer, '| confidence:', prediction.confidence);
} catch (error) {
  // A model that ignores the format (the bundled 260K-parameter story model does) gives its raw text.
  if (!AdapterParseError.isInstance(error)) throw error;
  console.log(`no parse (${error.message})\nraw text: ${error.rawText.slice(0, 120)}`);
} finally {
  await lm.dispose();
}
