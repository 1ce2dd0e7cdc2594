import { alt, type GrammarNode, literal, noneOf, oneOf, optional, repeat, seq } from './grammar-node.js';

const controls = Array.from({ length: 0x20 }, (_, code) => String.fromCharCode(code)).join('');
const hex = '0123456789abcdefABCDEF';
const escapeSequence = seq(
  literal('\\'),
  alt(oneOf('"\\/bfnrt'), seq(literal('u'), repeat(oneOf(hex), 4, 4))),
);

/**
 * A JSON string literal. `forbidMarkers` keeps `[[` out of it, so a string inside a ChatAdapter
 * field can never open a `[[ ## name ## ]]` marker (a length-bounded one then has no `[` at all).
 * `minLength`/`maxLength` count characters.
 */
export function jsonStringGrammar(
  options: { forbidMarkers?: boolean; minLength?: number; maxLength?: number } = {},
): GrammarNode {
  const char = alt(noneOf(`"\\${controls}${options.forbidMarkers ? '[' : ''}`), escapeSequence);
  const quote = literal('"');
  if (options.forbidMarkers && options.minLength === undefined && options.maxLength === undefined)
    return seq(quote, repeat(alt(char, seq(literal('['), char)), 0), optional(literal('[')), quote);
  return seq(quote, repeat(char, options.minLength ?? 0, options.maxLength), quote);
}
