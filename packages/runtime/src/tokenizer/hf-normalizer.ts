import { UnsupportedError } from '@x/core';
import { type HfNode, isNode, nodeType } from './hf-json.js';

type Normalize = (text: string) => string;

/** A tokenizer.json `normalizer` as a function (the subset LLM tokenizers use). */
export function hfNormalizer(node: unknown, source?: string): Normalize {
  if (node === null || node === undefined) return (text) => text;
  const type = nodeType(node, 'normalizer', source);
  const spec = node as HfNode;
  switch (type) {
    case 'Sequence': {
      const steps = (Array.isArray(spec.normalizers) ? spec.normalizers : []).map((step) =>
        hfNormalizer(step, source),
      );
      return (text) => steps.reduce((value, step) => step(value), text);
    }
    case 'NFC':
    case 'NFD':
    case 'NFKC':
    case 'NFKD':
      return (text) => text.normalize(type);
    case 'Lowercase':
      return (text) => text.toLowerCase();
    case 'Prepend': {
      const prefix = String(spec.prepend ?? '');
      return (text) => (text.length > 0 ? prefix + text : text);
    }
    case 'Replace': {
      const pattern = replacePattern(spec.pattern);
      const content = String(spec.content ?? '');
      return (text) => text.replace(pattern, () => content);
    }
    case 'Strip': {
      const left = spec.strip_left !== false;
      const right = spec.strip_right !== false;
      return (text) =>
        left && right ? text.trim() : left ? text.trimStart() : right ? text.trimEnd() : text;
    }
    default:
      throw new UnsupportedError('tokenizer.json normalizer', `normalizer '${type}' is not supported`);
  }
}

/** A Replace/Split `pattern` ({String} or {Regex}) as a global RegExp. */
export function replacePattern(pattern: unknown): RegExp {
  if (isNode(pattern) && typeof pattern.String === 'string') {
    return new RegExp(pattern.String.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gu');
  }
  if (isNode(pattern) && typeof pattern.Regex === 'string') return new RegExp(pattern.Regex, 'gu');
  throw new UnsupportedError('tokenizer.json pattern', 'pattern must be {String} or {Regex}');
}
