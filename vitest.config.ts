import { defineConfig } from 'vitest/config';

const project = (name: string, root: string) => ({
  extends: true as const,
  test: { name, root, include: ['src/**/*.test.ts', 'test/**/*.test.ts'] },
});

export default defineConfig({
  resolve: { conditions: ['x-source', 'node', 'import', 'default'] },
  ssr: { resolve: { conditions: ['x-source', 'node', 'import', 'default'] } },
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    projects: [
      project('core', 'packages/core'),
      project('runtime', 'packages/runtime'),
      project('candle-native', 'packages/candle-native'),
      project('onnx', 'packages/onnx'),
      project('playground', 'apps/playground'),
    ],
  },
});
