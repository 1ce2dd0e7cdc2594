#!/usr/bin/env node
// The package's `install` hook: keeps the prebuilt binary for this platform, or builds the addon
// from source with cmake-js (a dependency) against node-api-headers, downloading nothing.
const { execFileSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
// A source checkout (the monorepo) has no dist/ yet at install time; `pnpm build` builds the addon.
if (existsSync(path.join(root, 'src', 'index.ts'))) process.exit(0);
const { currentPlatform, installPlan } = require('../dist/install-plan.cjs');
const plan = installPlan(root, currentPlatform(), {
  sourceCheckout: false,
  forceBuild: Boolean(process.env.X_CANDLE_BUILD_FROM_SOURCE),
  resolvePackage: (name) => {
    try {
      return require.resolve(name, { paths: [root] });
    } catch {
      return undefined;
    }
  },
});
if (plan.action === 'use') {
  console.log(`@x/candle-native: using ${path.relative(root, plan.file)}`);
} else if (plan.action === 'build') {
  console.log(`@x/candle-native: ${plan.reason}; building from source (CMake ≥ 3.18, a C++17 compiler)…`);
  const cmakeJs = require.resolve('cmake-js/bin/cmake-js', { paths: [root] });
  try {
    execFileSync(process.execPath, [cmakeJs, 'compile', '--out', 'build'], { cwd: root, stdio: 'inherit' });
  } catch {
    console.error(
      '@x/candle-native: the build from source failed. Install CMake ≥ 3.18 and a C++17 compiler ' +
        '(Debian/Ubuntu: apt-get install cmake g++; macOS: xcode-select --install and brew install cmake), then run `npm rebuild @x/candle-native`.',
    );
    process.exit(1);
  }
}
