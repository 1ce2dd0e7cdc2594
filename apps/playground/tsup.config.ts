import { defineConfig } from 'tsup';

// One ESM file for the `x-playground` bin; the @x packages stay external (their dist is used).
export default defineConfig({
  entry: ['src/cli.ts'],
  format: ['esm'],
  clean: true,
  target: 'node20',
  sourcemap: true,
});
