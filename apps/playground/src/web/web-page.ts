import { webPageScript } from './web-page-script.js';
import { webPageStyle } from './web-page-style.js';

// An inline SVG, so each page stays one self-contained document and browsers ask for no /favicon.ico.
export const favicon = `data:image/svg+xml,${encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#1f3a5f"/>' +
    '<path d="M9 9l14 14M23 9L9 23" stroke="#f2c14e" stroke-width="4" stroke-linecap="round"/></svg>',
)}`;

/** The whole web playground as one self-contained HTML document (inline CSS and script). */
export const webPage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>x playground</title>
<link rel="icon" href="${favicon}">
<style>${webPageStyle}</style>
</head>
<body>
<h1>x playground</h1>
<p class="muted">model: <span id="model">…</span> · <a href="/bench">benchmarks</a></p>
<form id="run-form">
  <label>signature <input id="signature" type="text" value="question -&gt; answer" autocomplete="off" spellcheck="false"></label>
  <div id="signature-error" class="error"></div>
  <div id="inputs"></div>
  <div id="outputs" class="muted"></div>
  <div class="row">
    <span>backends</span><span id="backends" class="row"></span>
    <label>max tokens <input id="max-tokens" type="number" min="1" max="4096" value="128"></label>
    <label>temperature <input id="temperature" type="number" min="0" max="5" step="0.1" value="0"></label>
    <button id="run" type="submit" disabled>Run</button>
  </div>
</form>
<div id="columns"></div>
<script type="module">${webPageScript}</script>
</body>
</html>
`;
