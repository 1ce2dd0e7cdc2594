import { describe, expect, it } from 'vitest';
import { AdapterParseError } from '../errors/adapter-parse-error.js';
import { t } from '../signature/field-type-builders.js';
import { Signature } from '../signature/signature.js';
import { parseErrorOf } from './__fixtures__/parse-error-of.js';
import { ChatAdapter } from './chat-adapter.js';

const adapter = new ChatAdapter();

describe('ChatAdapter.parse', () => {
  const signature = Signature.from(
    "question -> answer: int, ok: bool, ratio: float, tags: list[str], scores: dict[str, float], verdict: Literal['yes', 'no'], note",
  );

  it('parses typed fields, like DSPy', () => {
    const text =
      '[[ ## answer ## ]]\n42\n\n[[ ## ok ## ]]\nTrue\n\n[[ ## ratio ## ]]\n0.5\n\n[[ ## tags ## ]]\n["a", "b"]\n\n[[ ## scores ## ]]\n{"x": 1}\n\n[[ ## verdict ## ]]\nyes\n\n[[ ## note ## ]]\nline one\nline two\n\n[[ ## completed ## ]]';
    const values = adapter.parse(signature, text);
    expect(values).toEqual({
      answer: 42,
      ok: true,
      ratio: 0.5,
      tags: ['a', 'b'],
      scores: { x: 1 },
      verdict: 'yes',
      note: 'line one\nline two',
    });
  });

  it('forgives think blocks, mid-line markers, Python literals, fences, and trailing text', () => {
    const text = [
      '<think>The [[ ## answer ## ]] is 7?</think>Here: [[ ## answer ## ]] 42.0',
      '[[ ## ok ## ]] "yes"',
      "[[ ## ratio ## ]]\n'0.25'",
      "[[ ## tags ## ]]\n```python\n['a', 'b',]\n```",
      '[[ ## scores ## ]]\n{x: 1, y: 2.5,}',
      "[[ ## verdict ## ]]\nLiteral['no']",
      '[[ ## note ## ]]\n  keep me  ',
      '[[ ## completed ## ]]\n[[ ## answer ## ]]\n99',
    ].join('\n');
    expect(adapter.parse(signature, text)).toEqual({
      answer: 42,
      ok: true,
      ratio: 0.25,
      tags: ['a', 'b'],
      scores: { x: 1, y: 2.5 },
      verdict: 'no',
      note: 'keep me',
    });
  });

  it('skips reasoning closed by an orphan </think> (template opened it), unless only the whole text parses', () => {
    const small = Signature.from('q -> answer');
    const qwen =
      'Let me think.\n[[ ## answer ## ]]\ndraft\n</think>\n\n[[ ## answer ## ]]\nfinal\n[[ ## completed ## ]]';
    expect(adapter.parse(small, qwen)).toEqual({ answer: 'final' });
    expect(adapter.parse(small, '[[ ## answer ## ]]\nclose with </think> here')).toEqual({
      answer: 'close with </think> here',
    });
  });

  it('matches Literal values ignoring surrounding quotes and whitespace, but not other text', () => {
    const small = Signature.from("q -> verdict: Literal['yes', 'no']");
    expect(adapter.parse(small, '[[ ## verdict ## ]]\n  "no"  ')).toEqual({ verdict: 'no' });
    expect(parseErrorOf(() => adapter.parse(small, '[[ ## verdict ## ]]\nmaybe')).message).toContain(
      'verdict',
    );
  });

  it('coerces enums by value or by name', () => {
    const enumSig = Signature.from({
      inputs: { q: 'str' },
      outputs: { level: { type: t.enum({ LOW: 'low', HIGH: 'high' }, 'Level') } },
    });
    expect(adapter.parse(enumSig, '[[ ## level ## ]]\nhigh')).toEqual({ level: 'high' });
    expect(adapter.parse(enumSig, '[[ ## level ## ]]\nLOW')).toEqual({ level: 'low' });
  });

  it('rejects an int that is not whole, and a non-number', () => {
    const intSig = Signature.from('q -> n: int');
    expect(adapter.parse(intSig, '[[ ## n ## ]]\n"42"')).toEqual({ n: 42 });
    expect(() => adapter.parse(intSig, '[[ ## n ## ]]\n42.5')).toThrow(AdapterParseError);
    expect(() => adapter.parse(intSig, '[[ ## n ## ]]\nforty-two')).toThrow(AdapterParseError);
  });

  it('reports every problem with the partial values and the raw text', () => {
    const text = '[[ ## answer ## ]]\nnot a number\n\n[[ ## ok ## ]]\nFalse\n\n[[ ## note ## ]]\nhi';
    const error = parseErrorOf(() => adapter.parse(signature, text));
    expect(error.adapter).toBe('ChatAdapter');
    expect(error.rawText).toBe(text);
    expect(error.partial).toEqual({ ok: false, note: 'hi' });
    expect(error.expectedFields).toEqual(['answer', 'ok', 'ratio', 'tags', 'scores', 'verdict', 'note']);
    expect(error.message).toContain("missing 'ratio', 'tags', 'scores', 'verdict'");
    expect(error.message).toContain("field 'answer'");
  });
});
