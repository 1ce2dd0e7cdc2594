import { describe, expect, it } from 'vitest';
import { findChromium } from './find-chromium.js';

describe('findChromium', () => {
  it('takes X_CHROMIUM when it is an executable', () => {
    expect(findChromium({ X_CHROMIUM: process.execPath })).toBe(process.execPath);
  });

  it('finds nothing when X_CHROMIUM names a missing file, rather than another browser', () => {
    expect(findChromium({ X_CHROMIUM: '/nonexistent/chromium' })).toBeUndefined();
  });
});
