/** The page's CSS: a form on top, one column per backend below. */
export const webPageStyle = `
:root { font-family: system-ui, sans-serif; color: #1d2430; background: #f6f7f9; }
body { margin: 0 auto; max-width: 1400px; padding: 1rem 1.5rem; }
h1 { font-size: 1.3rem; margin: 0 0 0.25rem; }
.muted { color: #667085; font-size: 0.85rem; }
form { background: #fff; border: 1px solid #d8dde5; border-radius: 8px; padding: 1rem; display: grid; gap: 0.75rem; }
label { display: grid; gap: 0.25rem; font-weight: 600; font-size: 0.9rem; }
label .type { font-weight: 400; color: #667085; font-family: ui-monospace, monospace; }
input[type=text], textarea, input[type=number] { font: inherit; padding: 0.4rem 0.5rem; border: 1px solid #c4cbd6; border-radius: 6px; }
#signature { font-family: ui-monospace, monospace; }
textarea { min-height: 2.5rem; resize: vertical; font-weight: 400; }
.row { display: flex; flex-wrap: wrap; gap: 1rem; align-items: center; }
.row label { display: flex; align-items: center; gap: 0.4rem; font-weight: 400; }
.error { color: #b42318; white-space: pre-wrap; }
button { font: inherit; font-weight: 600; padding: 0.45rem 1.4rem; border-radius: 6px; border: 0; background: #2f6fed; color: #fff; cursor: pointer; }
button:disabled { background: #9db5e8; cursor: default; }
#columns { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 1rem; margin-top: 1rem; }
.column { background: #fff; border: 1px solid #d8dde5; border-radius: 8px; padding: 0.75rem 1rem; min-width: 0; }
.column h2 { font-size: 1.05rem; margin: 0; display: flex; justify-content: space-between; }
.column h3 { font-size: 0.85rem; margin: 0.75rem 0 0.25rem; color: #475467; }
pre { background: #f2f4f7; border-radius: 6px; padding: 0.5rem; white-space: pre-wrap; word-break: break-word; min-height: 3rem; margin: 0; font-size: 0.85rem; }
.stats { display: flex; gap: 1rem; font-size: 0.85rem; margin-top: 0.5rem; font-variant-numeric: tabular-nums; }
.stats b { font-weight: 600; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 0.75rem; margin: 0; }
dt { font-weight: 600; }
dd { margin: 0; font-family: ui-monospace, monospace; white-space: pre-wrap; word-break: break-word; }
`;
