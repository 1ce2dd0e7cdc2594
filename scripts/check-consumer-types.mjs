// `pnpm check:consumer-types`: compiles a consumer of the packed @x packages with skipLibCheck off,
// strict on, under moduleResolution node10, node16 and bundler, so our .d.ts files cannot break
// anyone's build. Needs `pnpm build` first. Each package's dependencies come from the workspace.
import { execFileSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const work = mkdtempSync(path.join(os.tmpdir(), 'x-consumer-'));
const modules = path.join(work, 'node_modules');
const link = (target, name) => {
  const at = path.join(modules, name);
  mkdirSync(path.dirname(at), { recursive: true });
  try {
    symlinkSync(target, at, 'dir');
  } catch (error) {
    if (error.code !== 'EEXIST') throw error;
  }
};

let failed = 0;
try {
  const packs = path.join(work, 'packs');
  mkdirSync(packs);
  for (const name of readdirSync(path.join(root, 'packages'))) {
    const dir = path.join(root, 'packages', name);
    const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
    const before = new Set(readdirSync(packs));
    execFileSync('pnpm', ['pack', '--pack-destination', packs], { cwd: dir, stdio: 'ignore' });
    const tarball = readdirSync(packs).find((file) => !before.has(file));
    const into = path.join(modules, manifest.name);
    mkdirSync(into, { recursive: true });
    execFileSync('tar', ['xzf', path.join(packs, tarball), '-C', into, '--strip-components=1']);
    for (const dependency of Object.keys(manifest.dependencies ?? {})) {
      if (!dependency.startsWith('@x/')) link(path.join(dir, 'node_modules', dependency), dependency);
    }
  }
  link(path.join(root, 'node_modules', '@types'), '@types');
  const consumer = [
    "import { ChatAdapter, Predict, Signature, type LM } from '@x/core';",
    "import { ScriptedLM } from '@x/core/testing';",
    "import { loadLM, resolveModel, type LocalLM, type ResolveModelOptions } from '@x/runtime';",
    "import { startMockHub } from '@x/runtime/testing';",
    "import { llamaCppGreedy } from '@x/runtime/testing/llama-cpp';",
    "import { loadLM as loadNative } from '@x/candle-native';",
    "import { loadLM as loadOnnx } from '@x/onnx';",
    'export const used = [ChatAdapter, Predict, Signature, ScriptedLM, loadLM, resolveModel, startMockHub, llamaCppGreedy, loadNative, loadOnnx];',
    'export type Used = [LM, LocalLM, ResolveModelOptions];',
    '',
  ].join('\n');
  // consumer.ts is a CommonJS file under node16 (no "type": "module"), consumer.mts an ES module.
  writeFileSync(path.join(work, 'consumer.ts'), consumer);
  writeFileSync(path.join(work, 'consumer.mts'), consumer);
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  for (const [module, resolution, files] of [
    ['commonjs', 'node10', ['consumer.ts']],
    ['node16', 'node16', ['consumer.ts', 'consumer.mts']],
    ['nodenext', 'nodenext', ['consumer.ts', 'consumer.mts']],
    ['esnext', 'bundler', ['consumer.ts']],
  ]) {
    const args = ['--noEmit', '--strict', '--skipLibCheck', 'false', '--target', 'es2022', '--types', 'node'];
    args.push('--module', module, '--moduleResolution', resolution, '--ignoreDeprecations', '6.0', ...files);
    try {
      execFileSync(process.execPath, [tsc, ...args], { cwd: work, stdio: 'inherit' });
      console.log(`consumer types: ${resolution} ok`);
    } catch {
      console.log(`consumer types: ${resolution} FAILED`);
      failed++;
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
process.exit(failed === 0 ? 0 : 1);
