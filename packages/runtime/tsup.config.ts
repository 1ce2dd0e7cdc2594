import { defineConfig } from 'tsup';

export default defineConfig([
  {
    entry: {
      index: 'src/index.ts',
      testing: 'src/testing.ts',
      'testing/llama-cpp': 'src/testing/llama-cpp.ts',
    },
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
