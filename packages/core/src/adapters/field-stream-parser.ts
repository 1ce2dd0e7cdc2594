import type { Signature } from '../signature/signature.js';
import { matchMarker } from './match-marker.js';

/** A piece of one output field's text, without markers, in the order the LM produced it. */
export interface FieldDelta {
  field: string;
  delta: string;
}

type State =
  | { kind: 'prelude' }
  | { kind: 'thinking' }
  | { kind: 'field'; name: string; started: boolean; heldWhitespace: string }
  | { kind: 'skip' }
  | { kind: 'done' };

const thinkOpen = '<think>';
const thinkClose = '</think>';

/**
 * Splits a ChatAdapter response into per-field text as it streams. Markers split a field when
 * they start a line (as in DSPy) or name an output field (or `completed`) anywhere. A `<think>` block
 * before the first marker is ignored, as is everything after `[[ ## completed ## ]]`. Only a text
 * tail that could still become a marker (or a think tag) is held back between chunks; each field's
 * text is trimmed like DSPy's parse (leading whitespace dropped, trailing whitespace held until more
 * text follows). A field's second section is ignored: the first one wins, as in DSPy.
 */
export class FieldStreamParser {
  private readonly known: Set<string>;
  private readonly outputs: Set<string>;
  private readonly seen = new Set<string>();
  private readonly texts = new Map<string, string>();
  private pending = '';
  private state: State = { kind: 'prelude' };
  private lineHasContent = false;

  constructor(outputFields: Signature | readonly string[]) {
    const names = Array.isArray(outputFields)
      ? [...(outputFields as readonly string[])]
      : (outputFields as Signature).outputFields.map((field) => field.name);
    this.outputs = new Set(names);
    this.known = new Set([...names, 'completed']);
  }

  /** Feeds one chunk; returns the deltas it completes. */
  push(chunk: string): FieldDelta[] {
    this.pending += chunk;
    return this.drain(false);
  }

  /** Ends the stream: a held-back tail is now plain text. */
  finish(): FieldDelta[] {
    return this.drain(true);
  }

  /** True once `[[ ## completed ## ]]` was seen. */
  get done(): boolean {
    return this.state.kind === 'done';
  }

  /** Each output field's text so far (fields not yet seen are absent). */
  get fields(): Record<string, string> {
    return Object.fromEntries(this.texts);
  }

  private drain(final: boolean): FieldDelta[] {
    const out: FieldDelta[] = [];
    for (;;) {
      if (this.state.kind === 'done') {
        this.pending = '';
        return out;
      }
      if (this.state.kind === 'thinking') {
        const close = this.pending.indexOf(thinkClose);
        if (close < 0) {
          const keep = final ? 0 : thinkClose.length - 1;
          this.consume(this.pending.slice(0, Math.max(0, this.pending.length - keep)), out);
          this.pending = this.pending.slice(Math.max(0, this.pending.length - keep));
          return out;
        }
        this.consume(this.pending.slice(0, close + thinkClose.length), out);
        this.pending = this.pending.slice(close + thinkClose.length);
        this.state = { kind: 'prelude' };
        continue;
      }
      const step = this.scan(final);
      if (step.kind === 'hold' || step.kind === 'none') {
        const end = step.kind === 'hold' ? step.at : this.pending.length;
        this.consume(this.pending.slice(0, end), out);
        this.pending = this.pending.slice(end);
        if (final) this.endSection();
        return out;
      }
      this.consume(this.pending.slice(0, step.at), out);
      this.pending = this.pending.slice(step.end);
      this.lineHasContent = true;
      this.endSection();
      if (step.kind === 'think') this.state = { kind: 'thinking' };
      else this.enter(step.name);
    }
  }

  private scan(
    final: boolean,
  ):
    | { kind: 'marker'; at: number; end: number; name: string }
    | { kind: 'think'; at: number; end: number }
    | { kind: 'hold'; at: number }
    | { kind: 'none' } {
    const text = this.pending;
    const inPrelude = this.state.kind === 'prelude';
    for (let at = 0; at < text.length; at++) {
      const char = text[at];
      if (char === '<' && inPrelude) {
        if (text.startsWith(thinkOpen, at)) return { kind: 'think', at, end: at + thinkOpen.length };
        if (!final && thinkOpen.startsWith(text.slice(at))) return { kind: 'hold', at };
      } else if (char === '[') {
        const match = matchMarker(text, at);
        if (match.kind === 'partial' && !final) return { kind: 'hold', at };
        if (match.kind === 'full' && (this.known.has(match.name) || this.atLineStart(at))) {
          return { kind: 'marker', at, end: match.end, name: match.name };
        }
      }
    }
    return { kind: 'none' };
  }

  private atLineStart(at: number): boolean {
    const before = this.pending.slice(0, at);
    const newline = before.lastIndexOf('\n');
    if (newline >= 0) return before.slice(newline + 1).trim() === '';
    return !this.lineHasContent && before.trim() === '';
  }

  private enter(name: string): void {
    if (name === 'completed') this.state = { kind: 'done' };
    else if (this.outputs.has(name) && !this.seen.has(name)) {
      this.seen.add(name);
      this.texts.set(name, '');
      this.state = { kind: 'field', name, started: false, heldWhitespace: '' };
    } else this.state = { kind: 'skip' };
  }

  private endSection(): void {
    if (this.state.kind === 'field') this.state.heldWhitespace = '';
  }

  private consume(text: string, out: FieldDelta[]): void {
    if (text === '') return;
    const newline = text.lastIndexOf('\n');
    if (newline >= 0) this.lineHasContent = text.slice(newline + 1).trim() !== '';
    else if (text.trim() !== '') this.lineHasContent = true;
    const state = this.state;
    if (state.kind !== 'field') return;
    let body = text;
    if (!state.started) {
      body = body.replace(/^\s+/, '');
      if (body === '') return;
      state.started = true;
    }
    const combined = state.heldWhitespace + body;
    const trailing = /\s+$/.exec(combined);
    const delta = trailing ? combined.slice(0, trailing.index) : combined;
    state.heldWhitespace = trailing ? trailing[0] : '';
    if (delta === '') return;
    out.push({ field: state.name, delta });
    this.texts.set(state.name, (this.texts.get(state.name) ?? '') + delta);
  }
}

/** Runs a FieldStreamParser over an async stream of text chunks. */
export async function* streamFields(
  chunks: AsyncIterable<string>,
  outputFields: Signature | readonly string[],
): AsyncGenerator<FieldDelta> {
  const parser = new FieldStreamParser(outputFields);
  try {
    for await (const chunk of chunks) yield* parser.push(chunk);
  } catch (error) {
    // Cut short (an abort): the held-back tail is text of the field too.
    yield* parser.finish();
    throw error;
  }
  yield* parser.finish();
}
