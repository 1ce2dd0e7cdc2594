// `pnpm attw`: packs every published package as pnpm publishes it (publishConfig applied) and runs
// @arethetypeswrong/cli on the tarball, under every moduleResolution (node10, node16 CJS/ESM, bundler).
// Needs `pnpm build` first. Exits 1 when any package has a problem.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const attw = path.join(root, 'node_modules', '.bin', 'attw');
const packages = readdirSync(path.join(root, 'packages'))
  .map((name) => path.join(root, 'packages', name))
  .filter((dir) => !JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).private);

const out = mkdtempSync(path.join(os.tmpdir(), 'x-attw-'));
let failed = 0;
try {
  for (const dir of packages) {
    const before = new Set(readdirSync(out));
    execFileSync('pnpm', ['pack', '--pack-destination', out], { cwd: dir, stdio: 'ignore' });
    const tarball = readdirSync(out).find((name) => !before.has(name));
    try {
      execFileSync(attw, [path.join(out, tarball), '--format', 'table-flipped'], { stdio: 'inherit' });
    } catch {
      failed++;
    }
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
process.exit(failed === 0 ? 0 : 1);
