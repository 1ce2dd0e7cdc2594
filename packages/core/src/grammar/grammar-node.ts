/**
 * A grammar over text, as plain data: what a constrained LM may write. Core only describes it;
 * `@x/runtime` compiles it to a byte automaton and token masks. No recursion: every grammar is
 * finite in depth (repetition is the only loop), so it compiles to a finite automaton.
 */
export type GrammarNode =
  | { readonly type: 'literal'; readonly text: string }
  /** One character from `chars`, or (negate) any character outside `chars` (then ASCII only). */
  | { readonly type: 'chars'; readonly chars: string; readonly negate: boolean }
  | { readonly type: 'seq'; readonly items: readonly GrammarNode[] }
  | { readonly type: 'alt'; readonly items: readonly GrammarNode[] }
  /** `item` repeated min..max times (max undefined: unbounded), `separator` between repeats. */
  | {
      readonly type: 'repeat';
      readonly item: GrammarNode;
      readonly min: number;
      readonly max?: number;
      readonly separator?: GrammarNode;
    };

export const literal = (text: string): GrammarNode => ({ type: 'literal', text });
export const oneOf = (chars: string): GrammarNode => ({ type: 'chars', chars, negate: false });
export const noneOf = (chars: string): GrammarNode => ({ type: 'chars', chars, negate: true });

export function seq(...items: GrammarNode[]): GrammarNode {
  const flat = items.flatMap((item) => (item.type === 'seq' ? item.items : [item]));
  return flat.length === 1 ? flat[0]! : { type: 'seq', items: flat };
}

export function alt(...items: GrammarNode[]): GrammarNode {
  return items.length === 1 ? items[0]! : { type: 'alt', items };
}

export function repeat(item: GrammarNode, min: number, max?: number, separator?: GrammarNode): GrammarNode {
  return max === undefined
    ? { type: 'repeat', item, min, ...(separator ? { separator } : {}) }
    : { type: 'repeat', item, min, max, ...(separator ? { separator } : {}) };
}

export const optional = (item: GrammarNode): GrammarNode => repeat(item, 0, 1);
export const empty: GrammarNode = { type: 'literal', text: '' };

export const digits = '0123456789';
/** At most `max` characters of JSON whitespace. */
export const whitespace = (max: number): GrammarNode => repeat(oneOf(' \t\n\r'), 0, max);
