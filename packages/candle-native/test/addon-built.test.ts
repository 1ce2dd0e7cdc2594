import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadNativeAddon, nativeAddonPath } from '../src/native/native-binding.js';

// CI builds the addon before the tests; a missing addon is a failure, never a skip.
describe('xcandle.node', () => {
  it('is built and loads', () => {
    expect(existsSync(nativeAddonPath()), `${nativeAddonPath()} must exist`).toBe(true);
    const addon = loadNativeAddon();
    expect(addon.buildInfo().length).toBeGreaterThan(0);
    expect(typeof addon.AddonContext).toBe('function');
  });

  it('refuses to construct a model from JS', () => {
    const addon = loadNativeAddon() as unknown as { AddonModel: new (value: unknown) => unknown };
    expect(() => new addon.AddonModel(42)).toThrow(TypeError);
  });
});
