import type { Message } from '@x/core';
import { describe, expect, it } from 'vitest';
import { type ChatTemplate, createChatTemplate } from './chat-template.js';
import { renderWithContentRanges } from './render-with-content-ranges.js';

const source =
  "{% for m in messages %}<|{{ m['role'] }}|>\n{{ m['content'] }}\n{% endfor %}{% if add_generation_prompt %}<|assistant|>\n{% endif %}";

/** `template`, counting its renders; `suffix` is read at each render (as a template reading the date would). */
function counted(inner: ChatTemplate, suffix: () => string = () => '') {
  const template = {
    name: 'counted',
    source: inner.source,
    renders: 0,
    render(messages: Message[], options?: { addGenerationPrompt?: boolean }) {
      template.renders++;
      return inner.render(messages, options) + suffix();
    },
  };
  return template;
}

const chat = (question: string): Message[] => [
  { role: 'system', content: 'Answer with a number.' },
  { role: 'user', content: question },
];

const contents = (text: string, ranges: { start: number; end: number }[]) =>
  ranges.map((range) => text.slice(range.start, range.end));

describe('renderWithContentRanges', () => {
  it('renders the skeleton once for calls with the same roles, and finds every content exactly', () => {
    const template = counted(createChatTemplate(source));
    const first = renderWithContentRanges(template, chat('2 + 2?'));
    expect(template.renders).toBe(2);
    const second = renderWithContentRanges(template, chat('17 + 25?'));
    expect(template.renders).toBe(3);
    expect(second.text).toBe('<|system|>\nAnswer with a number.\n<|user|>\n17 + 25?\n<|assistant|>\n');
    expect(contents(second.text, second.contentRanges)).toEqual(['Answer with a number.', '17 + 25?']);
    expect(contents(first.text, first.contentRanges)).toEqual(['Answer with a number.', '2 + 2?']);
    // other roles or no generation prompt: another skeleton
    renderWithContentRanges(template, [...chat('1 + 1?'), { role: 'assistant', content: '2' }]);
    renderWithContentRanges(template, chat('1 + 1?'), { addGenerationPrompt: false });
    expect(template.renders).toBe(7);
  });

  it('renders the skeleton again when the kept one no longer rebuilds the text', () => {
    let day = 1;
    const template = counted(createChatTemplate(source), () => `(day ${day})`);
    renderWithContentRanges(template, chat('2 + 2?'));
    day = 2;
    const later = renderWithContentRanges(template, chat('3 + 3?'));
    expect(template.renders).toBe(4);
    expect(later.unlocated).toEqual([]);
    expect(later.text.endsWith('(day 2)')).toBe(true);
    expect(contents(later.text, later.contentRanges)).toEqual(['Answer with a number.', '3 + 3?']);
  });

  it('searches for contents a template rewrites, and stops rendering skeletons for them', () => {
    const trimming = counted(
      createChatTemplate("{% for m in messages %}[{{ m['content'].strip() }}]{% endfor %}"),
    );
    const ask = (content: string) => renderWithContentRanges(trimming, [{ role: 'user', content }]);
    const rendered = ask('  spaced  ');
    expect(rendered.text).toBe('[spaced]');
    expect(contents(rendered.text, rendered.contentRanges)).toEqual(['spaced']);
    expect(trimming.renders).toBe(2);
    // the second mismatch renders the skeleton again, finds it unchanged, and marks the shape
    const again = ask(' again ');
    expect(contents(again.text, again.contentRanges)).toEqual(['again']);
    expect(trimming.renders).toBe(4);
    const third = ask('third ');
    expect(trimming.renders).toBe(5);
    expect(contents(third.text, third.contentRanges)).toEqual(['third']);
    // contents the template leaves alone still rebuild exactly from the kept skeleton
    const plain = ask('plain');
    expect(plain.unlocated).toEqual([]);
    expect(contents(plain.text, plain.contentRanges)).toEqual(['plain']);
  });
});
