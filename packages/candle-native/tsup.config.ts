import { defineConfig } from 'tsup';

export default defineConfig([
  {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    target: 'node20',
    sourcemap: true,
  },
  {
    // Dependency-free, for scripts/install.cjs, which runs before anything else is usable.
    entry: { 'install-plan': 'src/native/install-plan-entry.ts' },
    format: ['cjs'],
    target: 'node20',
  },
]);
