import { UnsupportedError } from '@x/core';
import { type HfNode, isNode, nodeType } from './hf-json.js';
import { replacePattern } from './hf-normalizer.js';
import { compileHfPattern, gpt2Pattern } from './pre-tokenizer-patterns.js';

/** Splits one text fragment into pre-tokens; `first` is true for the fragment that starts the input. */
export type PreTokenize = (text: string, first: boolean) => string[];
type Step = (pieces: string[], first: boolean) => string[];

/** A tokenizer.json `pre_tokenizer` as a function, plus whether it maps bytes GPT-2 style. */
export function hfPreTokenizer(
  node: unknown,
  source?: string,
): { preTokenize: PreTokenize; byteLevel: boolean } {
  const state = { byteLevel: false };
  const step = buildStep(node, state, source);
  return {
    preTokenize: (text, first) => step([text], first).filter((piece) => piece.length > 0),
    byteLevel: state.byteLevel,
  };
}

function buildStep(node: unknown, state: { byteLevel: boolean }, source?: string): Step {
  if (node === null || node === undefined) return (pieces) => pieces;
  const type = nodeType(node, 'pre_tokenizer', source);
  const spec = node as HfNode;
  switch (type) {
    case 'Sequence': {
      const steps = (Array.isArray(spec.pretokenizers) ? spec.pretokenizers : []).map((item) =>
        buildStep(item, state, source),
      );
      return (pieces, first) => steps.reduce((value, step) => step(value, first), pieces);
    }
    case 'ByteLevel': {
      state.byteLevel = true;
      const addPrefix = spec.add_prefix_space === true;
      const pattern = spec.use_regex === false ? undefined : gpt2Pattern();
      return (pieces) =>
        pieces.flatMap((piece) => {
          const text = addPrefix && !piece.startsWith(' ') ? ' ' + piece : piece;
          return pattern === undefined ? [text] : splitWith(text, pattern, 'Isolated');
        });
    }
    case 'Split': {
      const pattern =
        isNode(spec.pattern) && typeof spec.pattern.Regex === 'string'
          ? compileHfPattern(spec.pattern.Regex)
          : replacePattern(spec.pattern);
      const behavior = String(spec.behavior ?? 'Isolated');
      if (spec.invert === true) {
        if (behavior !== 'Removed') throw unsupported(`Split invert with ${behavior}`);
        return (pieces) => pieces.flatMap((piece) => piece.match(pattern) ?? []);
      }
      return (pieces) => pieces.flatMap((piece) => splitWith(piece, pattern, behavior));
    }
    case 'Digits': {
      const pattern = spec.individual_digits === true ? /[0-9]/g : /[0-9]+/g;
      return (pieces) => pieces.flatMap((piece) => splitWith(piece, pattern, 'Isolated'));
    }
    case 'Metaspace': {
      const replacement = String(spec.replacement ?? '\u2581');
      const scheme = String(spec.prepend_scheme ?? (spec.add_prefix_space === false ? 'never' : 'always'));
      const split = spec.split !== false;
      return (pieces, first) =>
        pieces.flatMap((piece, index) => {
          let text = piece.replaceAll(' ', replacement);
          const prepend = scheme === 'always' || (scheme === 'first' && first && index === 0);
          if (prepend && !text.startsWith(replacement)) text = replacement + text;
          return split ? splitBefore(text, replacement) : [text];
        });
    }
    default:
      throw unsupported(type);
  }
}

function unsupported(what: string): UnsupportedError {
  return new UnsupportedError('tokenizer.json pre_tokenizer', `pre-tokenizer '${what}' is not supported`);
}

/** HF SplitDelimiterBehavior over the matches of `pattern` in `text`. */
function splitWith(text: string, pattern: RegExp, behavior: string): string[] {
  const out: string[] = [];
  let start = 0;
  let carry = '';
  pattern.lastIndex = 0;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    if (match[0].length === 0) {
      pattern.lastIndex++;
      continue;
    }
    const gap = text.slice(start, match.index);
    const hit = match[0];
    start = match.index + hit.length;
    if (behavior === 'Isolated') out.push(carry + gap, hit);
    else if (behavior === 'Removed') out.push(carry + gap);
    else if (behavior === 'MergedWithPrevious') out.push(carry + gap + hit);
    else if (behavior === 'MergedWithNext') {
      out.push(carry + gap);
      carry = hit;
      continue;
    } else throw unsupported(`Split behavior ${behavior}`);
    carry = '';
  }
  out.push(carry + text.slice(start));
  return out.filter((piece) => piece.length > 0);
}

function splitBefore(text: string, marker: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = text.indexOf(marker, 1); i > 0; i = text.indexOf(marker, i + marker.length)) {
    out.push(text.slice(start, i));
    start = i;
  }
  out.push(text.slice(start));
  return out;
}
