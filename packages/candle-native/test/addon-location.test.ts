import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  currentPlatform,
  findAddon,
  missingAddonMessage,
  type PlatformTag,
  platformName,
  prebuiltPackageName,
} from '../src/native/addon-location.js';
import { installPlan } from '../src/native/install-plan.js';

const linux: PlatformTag = { platform: 'linux', arch: 'x64', libc: 'glibc' };
let root: string;

beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'x-addon-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function touch(...parts: string[]): string {
  const file = path.join(root, ...parts);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, '');
  return file;
}

describe('prebuilt binary layout', () => {
  it('names platforms as prebuildify does, with -musl on musl Linux', () => {
    expect(platformName(linux)).toBe('linux-x64');
    expect(platformName({ platform: 'linux', arch: 'arm64', libc: 'musl' })).toBe('linux-arm64-musl');
    expect(platformName({ platform: 'darwin', arch: 'arm64', libc: undefined })).toBe('darwin-arm64');
    expect(prebuiltPackageName(linux)).toBe('@x/candle-native-linux-x64');
    expect(platformName(currentPlatform())).toBe(`${process.platform}-${process.arch}`);
  });

  it('prefers a build from source, then the shipped prebuild, then the per-platform package', () => {
    expect(findAddon(root, linux)).toBeUndefined();
    const external = touch('node_modules', '@x', 'candle-native-linux-x64', 'xcandle.node');
    const resolve = (name: string) =>
      name === '@x/candle-native-linux-x64/package.json'
        ? path.join(path.dirname(external), 'package.json')
        : undefined;
    expect(findAddon(root, linux, resolve)).toBe(external);
    const prebuilt = touch('prebuilds', 'linux-x64', 'xcandle.node');
    touch('prebuilds', 'linux-arm64', 'xcandle.node');
    expect(findAddon(root, linux, resolve)).toBe(prebuilt);
    expect(findAddon(root, { ...linux, arch: 'riscv64' })).toBeUndefined();
    const built = touch('build', 'Release', 'xcandle.node');
    expect(findAddon(root, linux, resolve)).toBe(built);
  });

  it('tells a user without a binary what to install, not a monorepo command', () => {
    const message = missingAddonMessage({ platform: 'linux', arch: 'riscv64', libc: 'glibc' }, ['/a', '/b']);
    expect(message).toContain('linux-riscv64');
    expect(message).toContain('npm install @x/candle-native-linux-riscv64');
    expect(message).toContain('npm rebuild @x/candle-native');
    expect(message).toContain('Looked in: /a, /b');
    expect(message).not.toContain('pnpm --filter');
  });
});

describe('installPlan', () => {
  const plan = (options: Partial<Parameters<typeof installPlan>[2]> = {}, tag = linux) =>
    installPlan(root, tag, { sourceCheckout: false, forceBuild: false, ...options });

  it('does nothing in a source checkout', () => {
    expect(plan({ sourceCheckout: true }).action).toBe('skip');
  });

  it('uses the matching prebuild, and builds from source where none matches or when asked', () => {
    expect(plan()).toEqual({ action: 'build', reason: 'no prebuilt binary for linux-x64' });
    const prebuilt = touch('prebuilds', 'linux-x64', 'xcandle.node');
    expect(plan()).toEqual({ action: 'use', file: prebuilt });
    expect(plan({}, { ...linux, libc: 'musl' })).toMatchObject({ action: 'build' });
    expect(plan({ forceBuild: true })).toMatchObject({
      action: 'build',
      reason: expect.stringContaining('X_CANDLE'),
    });
  });
});
