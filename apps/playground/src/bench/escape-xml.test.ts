import { describe, expect, it } from 'vitest';
import { escapeXml } from './escape-xml.js';

describe('escapeXml', () => {
  it('escapes the five XML specials and leaves other text alone', () => {
    expect(escapeXml(`<a href="x">Tom & Jerry's</a> ×`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt; ×',
    );
  });

  it('escapes an ampersand once, so an existing entity is shown as text', () => {
    expect(escapeXml('&lt;')).toBe('&amp;lt;');
  });
});
