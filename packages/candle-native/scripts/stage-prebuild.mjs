// Copies a built addon into prebuilds/<platform>/xcandle.node, the layout the loader and the install
// hook look for, before `pnpm pack`. Default: this machine's build/Release/xcandle.node.
//   node scripts/stage-prebuild.mjs [--from build-arm64/Release/xcandle.node --platform linux-arm64]
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { currentPlatform, platformName } = createRequire(import.meta.url)('../dist/install-plan.cjs');
const option = (name, fallback) => {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : fallback;
};
const from = path.resolve(root, option('--from', 'build/Release/xcandle.node'));
const platform = option('--platform', platformName(currentPlatform()));
if (!/^[a-z0-9]+-[a-z0-9]+(-musl)?$/.test(platform)) throw new Error(`bad --platform ${platform}`);
const to = path.join(root, 'prebuilds', platform, 'xcandle.node');
mkdirSync(path.dirname(to), { recursive: true });
copyFileSync(from, to);
console.log(`staged ${path.relative(root, from)} as ${path.relative(root, to)}`);
