import { existsSync } from 'node:fs';
import path from 'node:path';

/** The platform a binary is built for: prebuildify's `<platform>-<arch>`, with `-musl` on musl Linux. */
export interface PlatformTag {
  platform: NodeJS.Platform;
  arch: string;
  /** Only on Linux. */
  libc: 'glibc' | 'musl' | undefined;
}

export const ADDON_FILE = 'xcandle.node';
export const PACKAGE_NAME = '@x/candle-native';

export function currentPlatform(): PlatformTag {
  const libc =
    process.platform !== 'linux'
      ? undefined
      : (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header
            ?.glibcVersionRuntime
        ? 'glibc'
        : 'musl';
  return { platform: process.platform, arch: process.arch, libc };
}

/** `linux-x64`, `linux-arm64-musl`, `darwin-arm64`, `win32-x64`. */
export function platformName(tag: PlatformTag): string {
  return `${tag.platform}-${tag.arch}${tag.libc === 'musl' ? '-musl' : ''}`;
}

/** The optional per-platform package that carries only the binary, as sharp and node-llama-cpp ship theirs. */
export function prebuiltPackageName(tag: PlatformTag): string {
  return `${PACKAGE_NAME}-${platformName(tag)}`;
}

/**
 * Where the addon may be, best first: a build from source in this package (`build/Release`), the
 * prebuilt binary shipped in the package (`prebuilds/<platform>/xcandle.node`, prebuildify's layout),
 * then the optional per-platform package, when `resolvePackage` finds it installed.
 */
export function addonCandidates(
  root: string,
  tag: PlatformTag,
  resolvePackage: (name: string) => string | undefined = () => undefined,
): string[] {
  const fromPackage = resolvePackage(`${prebuiltPackageName(tag)}/package.json`);
  return [
    path.join(root, 'build', 'Release', ADDON_FILE),
    path.join(root, 'prebuilds', platformName(tag), ADDON_FILE),
    ...(fromPackage ? [path.join(path.dirname(fromPackage), ADDON_FILE)] : []),
  ];
}

export function findAddon(
  root: string,
  tag: PlatformTag,
  resolvePackage?: (name: string) => string | undefined,
): string | undefined {
  return addonCandidates(root, tag, resolvePackage).find((file) => existsSync(file));
}

/** What to tell a user whose platform has no binary: what to install, and how to build one. */
export function missingAddonMessage(tag: PlatformTag, looked: string[]): string {
  const name = platformName(tag);
  return (
    `${PACKAGE_NAME} has no native binary for ${name} (Node ${process.versions.node}). ` +
    `Install the prebuilt one with \`npm install ${prebuiltPackageName(tag)}\` where it is published, ` +
    `or build it from source with \`npm rebuild ${PACKAGE_NAME}\` (needs CMake ≥ 3.18 and a C++17 compiler; ` +
    `X_CANDLE_BUILD_FROM_SOURCE=1 forces it). Looked in: ${looked.join(', ')}`
  );
}
