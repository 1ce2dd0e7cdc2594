import { defineConfig } from 'tsup';

// ESM for the `x-playground` bin and for the bench charts that benchmarks/ draws docs plots with;
// the @x packages stay external (their dist is used).
export default defineConfig({
  entry: { cli: 'src/cli.ts', bench: 'src/bench/index.ts' },
  format: ['esm'],
  clean: true,
  target: 'node20',
  sourcemap: true,
});
