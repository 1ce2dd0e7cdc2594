/**
 * The page's script (a plain ES module, no build step): draws the input boxes from the parsed
 * signature, then runs it on every checked backend at once, reading each SSE stream into its column.
 */
export const webPageScript = `
const $ = (id) => document.getElementById(id);
const element = (tag, className, text) => {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
};
const postJson = (url, body) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

let described = null;

async function parseSignature() {
  const response = await postJson('/api/signature', { signature: $('signature').value });
  const body = await response.json();
  if (!response.ok) {
    described = null;
    $('signature-error').textContent = body.error.message;
    $('run').disabled = true;
    return;
  }
  described = body;
  $('signature-error').textContent = '';
  const old = new Map([...$('inputs').querySelectorAll('textarea')].map((box) => [box.name, box.value]));
  $('inputs').replaceChildren(
    ...body.inputs.map((field) => {
      const label = element('label', '', field.name + ' ');
      label.append(element('span', 'type', field.type + (field.desc ? ' — ' + field.desc : '')));
      const box = element('textarea');
      box.name = field.name;
      box.value = old.get(field.name) ?? '';
      label.append(box);
      return label;
    }),
  );
  $('outputs').textContent = 'outputs: ' + body.outputs.map((field) => field.name + ': ' + field.type).join(', ');
  $('run').disabled = false;
}

async function loadBackends() {
  const body = await (await fetch('/api/backends')).json();
  $('model').textContent = body.model;
  $('backends').replaceChildren(
    ...body.backends.map((name) => {
      const label = element('label');
      const box = element('input');
      box.type = 'checkbox';
      box.value = name;
      box.checked = true;
      label.append(box, name);
      return label;
    }),
  );
}

function makeColumn(backend) {
  const column = element('section', 'column');
  const title = element('h2', '', backend);
  const status = element('span', 'muted', 'starting');
  title.append(status);
  const raw = element('pre');
  const stats = element('div', 'stats');
  const fields = element('div');
  column.append(title, element('h3', '', 'raw text'), raw, stats, fields);
  $('columns').append(column);
  return { status, raw, stats, fields, startedAt: performance.now(), firstAt: undefined, chunks: 0 };
}

// While tokens stream: TTFT as this page saw it, and chunks per second after the first (a streamed
// chunk is one token unless it ends inside a UTF-8 character). The engine's own timings replace them.
function showLive(column) {
  const now = performance.now();
  column.chunks += 1;
  if (column.firstAt === undefined) column.firstAt = now;
  const seconds = (now - column.firstAt) / 1000;
  const rate = column.chunks > 1 && seconds > 0 ? (column.chunks - 1) / seconds : undefined;
  column.stats.replaceChildren(
    element('span', '', 'tok/s '),
    element('b', '', format(rate, 1)),
    element('span', '', 'TTFT '),
    element('b', '', format(column.firstAt - column.startedAt, 0) + ' ms'),
    element('span', '', 'tokens '),
    element('b', '', String(column.chunks)),
    element('span', 'muted', 'live'),
  );
}

const format = (value, digits) => (typeof value === 'number' ? value.toFixed(digits) : '–');

function showResult(column, result) {
  const timings = result.timings ?? {};
  column.stats.replaceChildren(
    element('span', '', 'tok/s '),
    element('b', '', format(timings.tokensPerSecond, 1)),
    element('span', '', 'TTFT '),
    element('b', '', format(timings.ttftMs, 0) + ' ms'),
    element('span', '', 'tokens '),
    element('b', '', String(result.usage?.completionTokens ?? '–')),
  );
  column.raw.textContent = result.text;
  if (result.prediction) {
    const list = element('dl');
    for (const [name, value] of Object.entries(result.prediction))
      list.append(element('dt', '', name), element('dd', '', typeof value === 'string' ? value : JSON.stringify(value)));
    column.fields.replaceChildren(element('h3', '', 'prediction'), list);
  } else {
    const error = result.parseError;
    column.fields.replaceChildren(element('h3', '', 'parse error'), element('div', 'error', error.message));
  }
}

function handleEvent(column, name, data) {
  if (name === 'status') column.status.textContent = data.stage;
  else if (name === 'text-delta') {
    column.raw.textContent += data.delta;
    showLive(column);
  }
  else if (name === 'result') {
    column.status.textContent = 'done';
    showResult(column, data.result);
  } else if (name === 'error') {
    column.status.textContent = 'failed';
    column.fields.replaceChildren(element('div', 'error', (data.name || data.type) + ' (' + data.code + '): ' + data.message));
  }
}

async function runOn(backend, payload) {
  const column = makeColumn(backend);
  try {
    const response = await postJson('/api/run', { ...payload, backend });
    if (!response.ok) return handleEvent(column, 'error', (await response.json()).error);
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      for (let end = buffer.indexOf('\\n\\n'); end >= 0; end = buffer.indexOf('\\n\\n')) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const name = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (name && data) handleEvent(column, name, JSON.parse(data));
      }
    }
  } catch (error) {
    handleEvent(column, 'error', { name: 'NetworkError', code: 'network', message: String(error) });
  }
}

$('run-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  if (!described) return;
  const inputs = Object.fromEntries([...$('inputs').querySelectorAll('textarea')].map((box) => [box.name, box.value]));
  const backends = [...$('backends').querySelectorAll('input:checked')].map((box) => box.value);
  const payload = {
    signature: $('signature').value,
    inputs,
    maxTokens: Number($('max-tokens').value),
    temperature: Number($('temperature').value),
  };
  $('columns').replaceChildren();
  $('run').disabled = true;
  await Promise.all(backends.map((backend) => runOn(backend, payload)));
  $('run').disabled = false;
});

let timer;
$('signature').addEventListener('input', () => {
  clearTimeout(timer);
  timer = setTimeout(parseSignature, 250);
});

await Promise.all([loadBackends(), parseSignature()]);
`;
