import { findAddon, type PlatformTag, platformName } from './addon-location.js';

export type InstallPlan =
  | { action: 'skip'; reason: string }
  | { action: 'use'; file: string }
  | { action: 'build'; reason: string };

/**
 * What `npm install @x/candle-native` does on this machine: keep the binary that matches the
 * platform, or build from source with cmake-js when none does (or when asked to).
 */
export function installPlan(
  root: string,
  tag: PlatformTag,
  options: {
    sourceCheckout: boolean;
    forceBuild: boolean;
    resolvePackage?: (name: string) => string | undefined;
  },
): InstallPlan {
  if (options.sourceCheckout)
    return { action: 'skip', reason: 'a source checkout builds the addon with `pnpm build`' };
  if (options.forceBuild) return { action: 'build', reason: 'X_CANDLE_BUILD_FROM_SOURCE is set' };
  const file = findAddon(root, tag, options.resolvePackage);
  if (file) return { action: 'use', file };
  return { action: 'build', reason: `no prebuilt binary for ${platformName(tag)}` };
}
