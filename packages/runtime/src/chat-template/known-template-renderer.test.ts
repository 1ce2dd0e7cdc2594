import { type Message, seededRandom } from '@x/core';
import { describe, expect, it } from 'vitest';
import { createChatTemplate } from './chat-template.js';
import { FALLBACK_TEMPLATES, type FallbackTemplateName } from './fallback-templates.js';
import { knownTemplateRenderer } from './known-template-renderer.js';
import { renderChatTemplate } from './render-chat-template.js';
import { renderWithContentRanges } from './render-with-content-ranges.js';

/** Contents that probe the renderers' edges: blanks (strip, and the Jinja's loose `!= false`), markup, unicode. */
const CONTENTS = [
  'Answer with a number.',
  '',
  ' ',
  '\n\t ',
  '0',
  ' 0 ',
  '  padded both sides \n',
  '\nleading newline',
  'trailing newline\n',
  '[[ ## answer ## ]]\n95\n\n[[ ## completed ## ]]\n',
  '<|im_end|> and [INST] inside',
  'ünïcödé 字 🙂',
  '{{ not jinja }} {% raw %}',
];
const ROLES: Message['role'][] = ['system', 'user', 'assistant'];

/** Mostly well-formed chats (optional system, then user/assistant turns), sometimes any roles. */
function chat(next: () => number): Message[] {
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
  const length = Math.floor(next() * 6);
  if (next() < 0.25) return Array.from({ length }, () => ({ role: pick(ROLES), content: pick(CONTENTS) }));
  const messages: Message[] = next() < 0.6 ? [{ role: 'system', content: pick(CONTENTS) }] : [];
  for (let i = 0; i < length; i++)
    messages.push({ role: i % 2 === 0 ? 'user' : 'assistant', content: pick(CONTENTS) });
  return messages;
}

function outcome(render: () => string | undefined): { text?: string; error?: string } {
  try {
    return { text: render() };
  } catch (error) {
    return { error: `${(error as Error).name}: ${(error as Error).message}` };
  }
}

describe('knownTemplateRenderer', () => {
  const names = Object.keys(FALLBACK_TEMPLATES) as FallbackTemplateName[];

  it.each(names)(
    '%s renders what the Jinja renders, errors included, with each content at its span',
    (name) => {
      const source = FALLBACK_TEMPLATES[name];
      const renderer = knownTemplateRenderer(source)!;
      expect(renderer).toBeDefined();
      const next = seededRandom(names.indexOf(name) + 1);
      let compared = 0;
      for (let round = 0; round < 400; round++) {
        const messages = chat(next);
        const options = {
          addGenerationPrompt: next() < 0.7,
          bosToken: next() < 0.8 ? '<s>' : '',
          eosToken: next() < 0.8 ? '</s>' : '',
        };
        const known = outcome(() => renderer(messages, options)?.text);
        if (messages.length === 0) {
          expect(known.text).toBeUndefined();
          continue;
        }
        const jinja = outcome(() => renderChatTemplate(source, messages, options));
        expect(known, JSON.stringify({ messages, options })).toEqual(jinja);
        if (known.text === undefined) continue;
        compared++;
        const { text, contentRanges } = renderer(messages, options)!;
        let end = 0;
        for (const range of contentRanges) {
          expect(range.start).toBeGreaterThanOrEqual(end);
          expect(range.end).toBeGreaterThan(range.start);
          end = range.end;
          const piece = text.slice(range.start, range.end);
          // Every span is a content, or the part of one a strip left.
          expect(
            messages.some(({ content }) => content.includes(piece) && piece.trim() === content.trim()),
          ).toBe(true);
        }
      }
      expect(compared).toBeGreaterThan(100);
    },
  );

  it('gives the few-shot prompt of an optimiser run the Jinja text and spans of every content', () => {
    const demos = Array.from({ length: 16 }, (_, i): Message[] => [
      {
        role: 'user',
        content: `[[ ## question ## ]]\nAnn has ${i} apples and gets 2 more. How many apples?`,
      },
      { role: 'assistant', content: `[[ ## answer ## ]]\n${i + 2}\n\n[[ ## completed ## ]]\n` },
    ]).flat();
    const messages: Message[] = [
      {
        role: 'system',
        content: 'Your input fields are:\n1. `question` (str):\nGiven the fields `question`.',
      },
      ...demos,
      { role: 'user', content: '[[ ## question ## ]]\nBen has 3 pens and gets 4 more. How many pens?' },
    ];
    const template = createChatTemplate(FALLBACK_TEMPLATES.llama2, { bosToken: '<s>', eosToken: '</s>' });
    const fast = renderWithContentRanges(template, messages);
    expect(fast.text).toBe(
      renderChatTemplate(FALLBACK_TEMPLATES.llama2, messages, { bosToken: '<s>', eosToken: '</s>' }),
    );
    expect(fast.unlocated).toEqual([]);
    expect(fast.contentRanges.map((range) => fast.text.slice(range.start, range.end))).toEqual(
      messages.map(({ content }) => content.trim()),
    );
    // The same spans the Jinja path finds by searching (a template without the TypeScript renderer).
    const viaJinja = renderWithContentRanges({ ...template, renderWithRanges: undefined }, messages);
    expect(viaJinja).toEqual(fast);
  });

  it('is used only for our own templates and only without extra variables', () => {
    expect(createChatTemplate(FALLBACK_TEMPLATES.chatml).renderWithRanges).toBeDefined();
    expect(createChatTemplate(`${FALLBACK_TEMPLATES.chatml} `).renderWithRanges).toBeUndefined();
    expect(
      createChatTemplate(FALLBACK_TEMPLATES.chatml, { variables: { date_string: '1 Jan' } }).renderWithRanges,
    ).toBeUndefined();
    // With no messages the Jinja renders (and decides what an empty chat is).
    const template = createChatTemplate(FALLBACK_TEMPLATES.chatml);
    expect(template.renderWithRanges!([])).toBeUndefined();
    expect(template.render([])).toBe(renderChatTemplate(FALLBACK_TEMPLATES.chatml, []));
  });
});
