import type { Message } from '@x/core';
import { UnsupportedError } from '@x/core';
import type { TextRange } from '../tokenizer/partition-special.js';
import { FALLBACK_TEMPLATES } from './fallback-templates.js';

/** What a known template's renderer is given: the variables our templates read. */
export interface KnownRenderOptions {
  addGenerationPrompt: boolean;
  bosToken: string;
  eosToken: string;
}

/** A rendered chat prompt with the exact spans its message contents fill. */
export interface RenderedWithRanges {
  text: string;
  contentRanges: TextRange[];
}

/**
 * The same text as the Jinja template with the same source, written in TypeScript; undefined for
 * input the renderer leaves to the Jinja (no messages).
 */
export type KnownTemplateRenderer = (
  messages: readonly Message[],
  options: KnownRenderOptions,
) => RenderedWithRanges | undefined;

/** Text built piece by piece; contents are recorded where they land. */
class Output {
  text = '';
  readonly contentRanges: TextRange[] = [];

  markup(piece: string): this {
    this.text += piece;
    return this;
  }

  content(piece: string): this {
    if (piece.length > 0)
      this.contentRanges.push({ start: this.text.length, end: this.text.length + piece.length });
    this.text += piece;
    return this;
  }

  done(): RenderedWithRanges {
    return { text: this.text, contentRanges: this.contentRanges };
  }
}

/** As the Jinja runtime's `raise_exception` surfaces through renderChatTemplate. */
function rejected(message: string): UnsupportedError {
  return new UnsupportedError('chat-template', `chat template rejected the messages: ${message}`, {
    cause: new Error(message),
  });
}

const chatml: KnownTemplateRenderer = (messages, { addGenerationPrompt }) => {
  if (messages.length === 0) return undefined;
  const out = new Output();
  for (const { role, content } of messages)
    out.markup(`<|im_start|>${role}\n`).content(content).markup('<|im_end|>\n');
  if (addGenerationPrompt) out.markup('<|im_start|>assistant\n');
  return out.done();
};

/**
 * Llama-2-chat: the system message folded into the first turn, each turn's text `strip()`ped (JS
 * `trim`, as the Jinja runtime does). The strip acts on the whole turn: '<<SYS>>' starts it, so only
 * the end moves, and only into the system message when the user's content is blank.
 */
const llama2: KnownTemplateRenderer = (messages, { bosToken, eosToken }) => {
  if (messages.length === 0) return undefined;
  const system = messages[0]!.role === 'system' ? messages[0]!.content : undefined;
  const turns = system === undefined ? messages : messages.slice(1);
  // `system_message != false`: the Jinja runtime compares with JS's loose `!=`, so a system content
  // that reads as the number 0 ('', blanks, '0') is dropped, not folded in.
  const folds = system !== undefined && Number(system) !== 0;
  const out = new Output();
  turns.forEach(({ role, content }, i) => {
    if ((role === 'user') !== (i % 2 === 0))
      throw rejected('Conversation roles must alternate user/assistant/user/assistant/...');
    if (role !== 'user' && role !== 'assistant') return;
    out.markup(role === 'user' ? `${bosToken}[INST] ` : ' ');
    if (i === 0 && folds) {
      const tail = content.trimEnd();
      if (tail.length > 0) out.markup('<<SYS>>\n').content(system!).markup('\n<</SYS>>\n\n').content(tail);
      else {
        // A blank turn: the strip eats the block's closing blank lines too.
        out.markup('<<SYS>>\n').content(system!).markup('\n<</SYS>>');
      }
    } else out.content(content.trim());
    out.markup(role === 'user' ? ' [/INST]' : ` ${eosToken}`);
  });
  return out.done();
};

/** Meta-Llama-3-Instruct: each content trimmed, BOS before the first turn. */
const llama3: KnownTemplateRenderer = (messages, { addGenerationPrompt, bosToken }) => {
  if (messages.length === 0) return undefined;
  const out = new Output();
  messages.forEach(({ role, content }, i) => {
    if (i === 0) out.markup(bosToken);
    out
      .markup(`<|start_header_id|>${role}<|end_header_id|>\n\n`)
      .content(content.trim())
      .markup('<|eot_id|>');
  });
  if (addGenerationPrompt) out.markup('<|start_header_id|>assistant<|end_header_id|>\n\n');
  return out.done();
};

const phi3: KnownTemplateRenderer = (messages, { addGenerationPrompt }) => {
  if (messages.length === 0) return undefined;
  const out = new Output();
  for (const { role, content } of messages) out.markup(`<|${role}|>\n`).content(content).markup('<|end|>\n');
  if (addGenerationPrompt && messages.at(-1)!.role !== 'assistant') out.markup('<|assistant|>\n');
  return out.done();
};

/** Gemma: the system message, then a blank line, opens the first turn; contents trimmed. */
const gemma: KnownTemplateRenderer = (messages, { addGenerationPrompt, bosToken }) => {
  if (messages.length === 0) return undefined;
  const system = messages[0]!.role === 'system' ? messages[0]!.content : undefined;
  const turns = system === undefined ? messages : messages.slice(1);
  const out = new Output().markup(bosToken);
  turns.forEach(({ role, content }, i) => {
    out.markup(`<start_of_turn>${role === 'assistant' ? 'model' : role}\n`);
    if (i === 0 && system !== undefined) out.content(system).markup('\n\n');
    out.content(content.trim()).markup('<end_of_turn>\n');
  });
  if (addGenerationPrompt) out.markup('<start_of_turn>model\n');
  return out.done();
};

const plain: KnownTemplateRenderer = (messages) => {
  if (messages.length === 0) return undefined;
  const out = new Output();
  messages.forEach(({ content }, i) => {
    if (i > 0) out.markup('\n\n');
    out.content(content);
  });
  return out.done();
};

const renderers = new Map<string, KnownTemplateRenderer>([
  [FALLBACK_TEMPLATES.chatml, chatml],
  [FALLBACK_TEMPLATES.llama2, llama2],
  [FALLBACK_TEMPLATES.llama3, llama3],
  [FALLBACK_TEMPLATES.phi3, phi3],
  [FALLBACK_TEMPLATES.gemma, gemma],
  [FALLBACK_TEMPLATES.plain, plain],
]);

/**
 * A TypeScript renderer for a template we ship (matched by its exact source), as llama.cpp renders
 * the common formats in C++: the same text as the Jinja without its interpreter (≈ 1 ms and much
 * garbage for a 35-message few-shot prompt), and each content's exact span without a search.
 */
export function knownTemplateRenderer(source: string): KnownTemplateRenderer | undefined {
  return renderers.get(source);
}
