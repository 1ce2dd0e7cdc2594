import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const repoRoot = path.dirname(fileURLToPath(import.meta.url));

// Vitest 5's reporters call Map.groupBy, which Node 20 lacks (it arrived in Node 21).
if (!('groupBy' in Map)) {
  Object.defineProperty(Map, 'groupBy', {
    value<K, V>(items: Iterable<V>, key: (item: V, index: number) => K): Map<K, V[]> {
      const groups = new Map<K, V[]>();
      let index = 0;
      for (const item of items) {
        const group = key(item, index++);
        groups.set(group, [...(groups.get(group) ?? []), item]);
      }
      return groups;
    },
  });
}

const project = (name: string, root: string) => ({
  extends: true as const,
  test: { name, root: path.join(repoRoot, root), include: ['src/**/*.test.ts', 'test/**/*.test.ts'] },
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
      project('benchmarks', 'benchmarks'),
    ],
  },
});
