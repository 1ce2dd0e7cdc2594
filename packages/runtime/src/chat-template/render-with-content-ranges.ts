import type { Message } from '@x/core';
import type { TextRange } from '../tokenizer/partition-special.js';
import type { ChatTemplate } from './chat-template.js';

/** A rendered chat prompt and where each message's content sits in it. */
export interface RenderedChat {
  text: string;
  /** Spans of `text` that came from message contents (to be tokenized as plain text). */
  contentRanges: TextRange[];
  /** Messages whose content could not be found in `text` (the template rewrote it). */
  unlocated: number[];
}

const OPEN = '\uE000';
const CLOSE = '\uE001';
const MARKER = /\uE000(\d+)\uE001/g;
/** Skeletons kept per template (by roles and generation prompt), least recently used dropped first. */
const SKELETONS_PER_TEMPLATE = 16;

interface KeptSkeleton {
  skeleton: string;
  /**
   * Rendered again after a mismatch and found the same: mismatches come from the contents (a
   * template that strips them), so the next ones go straight to the search.
   */
  contentDependent: boolean;
}

const skeletons = new WeakMap<ChatTemplate, Map<string, KeptSkeleton>>();

/**
 * Renders `messages` and finds their contents in the result. First the template runs over markers
 * in place of the contents; when putting the contents back into that skeleton gives exactly the
 * real rendering, the spans are exact. Otherwise (a template that trims, splits or tests a content)
 * each content, or its trimmed form, is searched for in order. The skeleton depends only on the
 * roles, so it is kept for the next call with the same roles (an optimiser's calls share one shape):
 * one Jinja render a call instead of two. When the kept one does not rebuild the text it is rendered
 * again, once: a new skeleton (a template reading the date) replaces it, the same one means the
 * template rewrites contents, and later mismatches go straight to the search.
 */
export function renderWithContentRanges(
  template: ChatTemplate,
  messages: Message[],
  options: { addGenerationPrompt?: boolean } = {},
): RenderedChat {
  const known = template.renderWithRanges?.(messages, options);
  if (known !== undefined) return { ...known, unlocated: [] };
  const text = template.render(messages, options);
  const exact = rangesFromSkeleton(template, messages, options, text);
  if (exact !== undefined) return { text, contentRanges: exact, unlocated: [] };
  return rangesBySearch(text, messages);
}

function rangesFromSkeleton(
  template: ChatTemplate,
  messages: Message[],
  options: { addGenerationPrompt?: boolean },
  text: string,
): TextRange[] | undefined {
  if (messages.some((message) => message.content.includes(OPEN) || message.content.includes(CLOSE)))
    return undefined;
  const kept = skeletons.get(template) ?? new Map<string, KeptSkeleton>();
  skeletons.set(template, kept);
  const key = `${options.addGenerationPrompt ?? true}:${messages.map((message) => message.role).join(',')}`;
  const cached = kept.get(key);
  if (cached !== undefined) {
    kept.delete(key);
    kept.set(key, cached);
    const ranges = rebuild(cached.skeleton, messages, text);
    if (ranges !== undefined || cached.contentDependent) return ranges;
  }
  let skeleton: string;
  try {
    skeleton = template.render(
      messages.map((message, i) => ({ ...message, content: `${OPEN}${i}${CLOSE}` })),
      options,
    );
  } catch {
    return undefined;
  }
  kept.delete(key);
  kept.set(key, { skeleton, contentDependent: cached?.skeleton === skeleton });
  if (kept.size > SKELETONS_PER_TEMPLATE) kept.delete(kept.keys().next().value!);
  return rebuild(skeleton, messages, text);
}

/** The contents put back into `skeleton`: their spans when that gives exactly `text`. */
function rebuild(skeleton: string, messages: Message[], text: string): TextRange[] | undefined {
  const ranges: TextRange[] = [];
  let rebuilt = '';
  let last = 0;
  for (const match of skeleton.matchAll(MARKER)) {
    const content = messages[Number(match[1])]?.content;
    if (content === undefined) return undefined;
    rebuilt += skeleton.slice(last, match.index);
    if (content.length > 0) ranges.push({ start: rebuilt.length, end: rebuilt.length + content.length });
    rebuilt += content;
    last = match.index + match[0].length;
  }
  rebuilt += skeleton.slice(last);
  return rebuilt === text ? ranges : undefined;
}

function rangesBySearch(text: string, messages: Message[]): RenderedChat {
  const contentRanges: TextRange[] = [];
  const unlocated: number[] = [];
  let cursor = 0;
  messages.forEach((message, i) => {
    const candidates = [message.content, message.content.trim()].filter((candidate) => candidate !== '');
    for (const candidate of candidates) {
      const at = text.indexOf(candidate, cursor);
      if (at >= 0) {
        contentRanges.push({ start: at, end: at + candidate.length });
        cursor = at + candidate.length;
        return;
      }
    }
    if (candidates.length > 0) unlocated.push(i);
  });
  return { text, contentRanges, unlocated };
}
