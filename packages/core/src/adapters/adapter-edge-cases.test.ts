import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AdapterParseError } from '../errors/adapter-parse-error.js';
import { Signature } from '../signature/signature.js';
import { parseErrorOf } from './__fixtures__/parse-error-of.js';
import { ChatAdapter } from './chat-adapter.js';
import { FieldStreamParser } from './field-stream-parser.js';
import { JSONAdapter } from './json-adapter.js';

const chat = new ChatAdapter();
const json = new JSONAdapter();
const qa = Signature.from('question, context: list[str] -> answer, count: int');
const tricky = 'emoji 😀 CJK 漢字 [[ ## answer ## ]] back\\slash "double" \'single\' «guillemets»';

describe('adapter edge cases', () => {
  it('formats with empty demos as just system and user messages', () => {
    const messages = chat.format(qa, [], { question: 'q', context: [] });
    expect(messages.map((message) => message.role)).toEqual(['system', 'user']);
    expect(messages[1]?.content.startsWith('[[ ## question ## ]]\nq\n\n[[ ## context ## ]]\n[]\n\n')).toBe(
      true,
    );
  });

  it('keeps special characters and unicode in inputs and demos verbatim (str) or as JSON (typed)', () => {
    const demo = { question: tricky, context: [tricky], answer: tricky, count: 1 };
    const messages = chat.format(qa, [demo], { question: tricky, context: ['a\nb', tricky] });
    const escaped = tricky.replaceAll('\\', '\\\\').replaceAll('"', '\\"');
    expect(messages[1]?.content).toBe(
      `[[ ## question ## ]]\n${tricky}\n\n[[ ## context ## ]]\n["${escaped}"]`,
    );
    expect(messages[2]?.content).toBe(
      `[[ ## answer ## ]]\n${tricky}\n\n[[ ## count ## ]]\n1\n\n[[ ## completed ## ]]\n`,
    );
    expect(messages[3]?.content).toContain(`[[ ## context ## ]]\n["a\\nb", "${escaped}"]`);
    const jsonMessages = json.format(qa, [demo], { question: tricky, context: [] });
    // DSPy ≥ 3.2 JSONAdapter: json.dumps(..., indent=2, ensure_ascii=False)
    expect(jsonMessages[2]?.content).toContain('"answer": "emoji 😀 CJK 漢字 [[ ## answer ## ]]');
  });

  it('parses unicode and marker look-alikes inside a value (the look-alike is mid-line, unknown name)', () => {
    const value = 'emoji 😀 漢字 [[ ## x ## ]] back\\slash "q"';
    const text = `[[ ## answer ## ]]\n${value}\n\n[[ ## count ## ]]\n3\n\n[[ ## completed ## ]]`;
    expect(chat.parse(qa, text)).toEqual({ answer: value, count: 3 });
  });

  it('formats and parses a 100 KB field, also when streamed in small chunks', () => {
    const long = 'lorem ipsum 😀 '.repeat(7000).trim();
    expect(long.length).toBeGreaterThan(100_000);
    const [, user] = chat.format(qa, [], { question: long, context: [] });
    expect(user?.content).toContain(long);
    const text = `[[ ## answer ## ]]\n${long}\n\n[[ ## count ## ]]\n1\n[[ ## completed ## ]]`;
    expect(chat.parse(qa, text)).toEqual({ answer: long, count: 1 });
    const parser = new FieldStreamParser(qa);
    let streamed = '';
    for (let at = 0; at < text.length; at += 997) {
      for (const delta of parser.push(text.slice(at, at + 997)))
        if (delta.field === 'answer') streamed += delta.delta;
    }
    parser.finish();
    expect(streamed).toBe(long);
  });

  it('throws AdapterParseError (not a crash) on an empty response', () => {
    const error = parseErrorOf(() => chat.parse(qa, ''));
    expect(error.rawText).toBe('');
    expect(error.partial).toEqual({});
    expect(parseErrorOf(() => json.parse(qa, '')).adapter).toBe('JSONAdapter');
  });

  it('throws AdapterParseError on a whitespace-only response', () => {
    expect(parseErrorOf(() => chat.parse(qa, ' \n\t \n')).message).toContain("missing 'answer', 'count'");
    expect(() => json.parse(qa, '   ')).toThrow(AdapterParseError);
  });

  it('reads a marker with no value as empty text, which an int field rejects', () => {
    expect(chat.parse(Signature.from('q -> a'), '[[ ## a ## ]]\n\n[[ ## completed ## ]]')).toEqual({ a: '' });
    const error = parseErrorOf(() =>
      chat.parse(qa, '[[ ## answer ## ]]\nfine\n[[ ## count ## ]]\n[[ ## completed ## ]]'),
    );
    expect(error.partial).toEqual({ answer: 'fine' });
    expect(error.message).toContain("field 'count'");
  });

  it('rejects malformed JSON in a typed field with the offending text', () => {
    const listSig = Signature.from('q -> items: list[int], meta: dict[str, str]');
    const error = parseErrorOf(() =>
      chat.parse(listSig, '[[ ## items ## ]]\n[1, 2,, 3]\n[[ ## meta ## ]]\n{"a": }'),
    );
    expect(error.partial).toEqual({});
    expect(error.message).toContain("field 'items'");
    expect(error.message).toContain("field 'meta'");
    expect(error.message).toContain('[1, 2,, 3]');
  });

  it('reports a missing required field in a multi-field response with the parsed ones', () => {
    const signature = Signature.from('q -> a, b: int, c: bool');
    const error = parseErrorOf(() => chat.parse(signature, '[[ ## a ## ]]\nx\n\n[[ ## c ## ]]\nfalse'));
    expect(error.partial).toEqual({ a: 'x', c: false });
    expect(error.parsedFields).toEqual(['a', 'c']);
    expect(error.message).toContain("missing 'b'");
  });

  it('round-trips any demo through its own assistant message (property)', () => {
    const signature = Signature.from('q -> text, n: int, tags: list[str], flag: bool');
    const cleanText = fc
      .string()
      .map((text) => text.trim())
      .filter((text) => !text.includes('[['));
    fc.assert(
      fc.property(cleanText, fc.integer(), fc.array(fc.string()), fc.boolean(), (text, n, tags, flag) => {
        const values = { text, n, tags, flag };
        for (const adapter of [chat, json]) {
          const messages = adapter.format(signature, [{ q: 'x', ...values }], { q: 'y' });
          expect(adapter.parse(signature, messages[2]!.content)).toEqual(values);
        }
      }),
      { numRuns: 300 },
    );
  });
});
