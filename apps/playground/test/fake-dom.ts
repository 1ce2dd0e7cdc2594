/**
 * Just enough of the DOM for the playground page's script to run in Node (there is no browser
 * here): elements with text, values, children, listeners, and `querySelectorAll` for the two
 * selectors the script uses.
 */
export class FakeElement {
  children: FakeElement[] = [];
  className = '';
  value = '';
  name = '';
  type = '';
  checked = false;
  disabled = false;
  readonly listeners = new Map<string, (event: unknown) => unknown>();
  private text = '';

  constructor(readonly tagName: string) {}

  get textContent(): string {
    return this.text + this.children.map((child) => child.textContent).join('');
  }

  set textContent(value: string) {
    this.children = [];
    this.text = value;
  }

  append(...nodes: Array<FakeElement | string>): void {
    for (const node of nodes) {
      if (typeof node !== 'string') this.children.push(node);
      else {
        const text = new FakeElement('#text');
        text.textContent = node;
        this.children.push(text);
      }
    }
  }

  replaceChildren(...nodes: Array<FakeElement | string>): void {
    this.children = [];
    this.append(...nodes);
  }

  addEventListener(type: string, listener: (event: unknown) => unknown): void {
    this.listeners.set(type, listener);
  }

  querySelectorAll(selector: string): FakeElement[] {
    const [tag, state] = selector.split(':');
    return this.descendants().filter(
      (element) => element.tagName === tag && (state !== 'checked' || element.checked),
    );
  }

  descendants(): FakeElement[] {
    return this.children.flatMap((child) => [child, ...child.descendants()]);
  }
}

/** A document holding one element per `id="…"` in `html`, each with its `value="…"` attribute. */
export function fakeDocument(html: string) {
  const byId = new Map<string, FakeElement>();
  for (const match of html.matchAll(/<(\w+)([^>]*)\sid="([^"]+)"([^>]*)>/g)) {
    const element = new FakeElement(match[1]!);
    element.value = /value="([^"]*)"/.exec(`${match[2]} ${match[4]}`)?.[1]?.replaceAll('&gt;', '>') ?? '';
    byId.set(match[3]!, element);
  }
  return {
    byId,
    getElementById: (id: string) => byId.get(id) ?? null,
    createElement: (tag: string) => new FakeElement(tag),
  };
}
