const entities: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text made safe for SVG/HTML element content and quoted attribute values. */
export const escapeXml = (text: string): string => text.replace(/[&<>"']/g, (char) => entities[char]!);
