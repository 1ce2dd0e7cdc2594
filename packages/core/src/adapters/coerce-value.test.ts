import { describe, expect, it } from 'vitest';
import type { FieldType } from '../signature/field-type.js';
import { CoercionError, coerceValue, parseFieldText } from './coerce-value.js';

const int: FieldType = { kind: 'int' };
const float: FieldType = { kind: 'float' };
const bool: FieldType = { kind: 'bool' };

describe('parseFieldText / coerceValue', () => {
  it('reads ints from "42", "42.0", 42 and rejects fractions and words', () => {
    expect(parseFieldText('42', int)).toBe(42);
    expect(parseFieldText('42.0', int)).toBe(42);
    expect(coerceValue('  -7 ', int)).toBe(-7);
    expect(() => parseFieldText('42.5', int)).toThrow(CoercionError);
    expect(() => parseFieldText('about 42', int)).toThrow(CoercionError);
    // pydantic's lax mode: DSPy 3.3.1's JSONAdapter parses {"a": True} for `a: int` as 1.
    expect(coerceValue(true, int)).toBe(1);
  });

  it('reads floats from numbers and numeric strings', () => {
    expect(parseFieldText('0.5', float)).toBe(0.5);
    expect(parseFieldText("'1e3'", float)).toBe(1000);
    // pydantic's lax float reads what float() reads; DSPy 3.3.1 parses "NaN" and "-Infinity" to nan/-inf.
    expect(parseFieldText('NaN', float)).toBeNaN();
    expect(parseFieldText('nan', float)).toBeNaN();
    expect(parseFieldText('-Infinity', float)).toBe(-Infinity);
    expect(parseFieldText('inf', float)).toBe(Infinity);
    expect(() => parseFieldText('NaN', int)).toThrow(CoercionError);
  });

  it('reads bools the way pydantic does (true/false, yes/no, 0/1), and nothing else', () => {
    for (const text of ['True', 'true', '"yes"', 'Y', 'on', '1'])
      expect(parseFieldText(text, bool)).toBe(true);
    for (const text of ['False', 'false', 'no', 'off', '0', "'n'"])
      expect(parseFieldText(text, bool)).toBe(false);
    expect(() => parseFieldText('maybe', bool)).toThrow(CoercionError);
    expect(() => parseFieldText('2', bool)).toThrow(CoercionError);
  });

  it('keeps str fields as the raw text, and stringifies JSON values given to str', () => {
    expect(parseFieldText('[1, 2]', { kind: 'str' })).toBe('[1, 2]');
    expect(coerceValue(3, { kind: 'str' })).toBe('3');
    // dspy/adapters/utils.py parse_value: `if annotation is str: return str(value)`.
    expect(coerceValue({ a: 'é' }, { kind: 'str' })).toBe("{'a': 'é'}");
    expect(coerceValue(null, { kind: 'str' })).toBe('None');
  });

  it('coerces nested lists and dicts, naming the bad path', () => {
    const type: FieldType = { kind: 'dict', values: { kind: 'list', items: int } };
    expect(parseFieldText("{'a': [1, '2']}", type)).toEqual({ a: [1, 2] });
    expect(() => parseFieldText('{"a": [1, "x"]}', type)).toThrow(/at \.a\[1\]/);
    expect(() => parseFieldText('[1]', type)).toThrow(/expected an object/);
  });

  it('matches Literal values with numbers and booleans', () => {
    const type: FieldType = { kind: 'literal', values: [1, 'two', true] };
    expect(parseFieldText('1', type)).toBe(1);
    expect(parseFieldText(" 'two' ", type)).toBe('two');
    expect(parseFieldText('True', type)).toBe(true);
    expect(() => parseFieldText('three', type)).toThrow(CoercionError);
  });
});
