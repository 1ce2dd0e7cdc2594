import { escapeXml } from './escape-xml.js';

export const chartColors = [
  '#2f6fed',
  '#e07a1f',
  '#2a9d5c',
  '#c2410c',
  '#7c3aed',
  '#0e7490',
  '#b42318',
  '#667085',
];

/**
 * A standalone SVG document (usable as a file and inline in HTML) with a title and a caption line;
 * `body` is drawn below them. `label` becomes the accessible name.
 */
export function svgDocument(options: {
  width: number;
  height: number;
  title: string;
  subtitle?: string;
  body: string;
}): string {
  const { width, height, title, subtitle, body } = options;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeXml(title)}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="12" y="20" font-size="15" font-weight="600" fill="#1d2430">${escapeXml(title)}</text>`,
    subtitle ? `<text x="12" y="37" fill="#667085">${escapeXml(subtitle)}</text>` : '',
    body,
    '</svg>',
  ]
    .filter(Boolean)
    .join('\n');
}

/** Rounds a coordinate to 0.1 px so that the markup stays short and stable. */
export const px = (value: number): string => String(Math.round(value * 10) / 10);
