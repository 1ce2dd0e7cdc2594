import { defineConfig } from 'tsup';

export default defineConfig([
  {
    entry: ['src/index.ts', 'src/testing.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    target: 'node20',
    sourcemap: true,
  },
  {
    entry: { 'cli/x-gguf': 'src/cli/x-gguf.ts' },
    format: ['esm'],
    target: 'node20',
    sourcemap: true,
  },
]);
