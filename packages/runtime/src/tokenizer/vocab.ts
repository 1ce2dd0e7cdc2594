import { ModelFormatError } from '@x/core';
import { TokenType } from './token-type.js';

/** A token matched in raw text before the model runs (control, user-defined and unknown tokens). */
export interface SpecialToken {
  id: number;
  text: string;
  /** Control or unknown: only matched when parseSpecial is on. User-defined tokens always match. */
  control: boolean;
  /** Swallow whitespace on the left / right of the match. */
  lstrip: boolean;
  rstrip: boolean;
}

/** Token texts, types and the reverse lookup shared by every tokenizer model. */
export class Vocab {
  readonly idOf = new Map<string, number>();
  readonly types: Uint8Array;

  constructor(
    readonly tokens: readonly string[],
    types?: ArrayLike<number>,
    source?: string,
  ) {
    this.types = new Uint8Array(tokens.length).fill(TokenType.normal);
    if (types !== undefined) {
      if (types.length < tokens.length) {
        throw new ModelFormatError('token type list is shorter than the token list', {
          path: source,
          expected: `${tokens.length} entries`,
          got: String(types.length),
        });
      }
      for (let id = 0; id < tokens.length; id++) this.types[id] = types[id] as number;
    }
    for (let id = 0; id < tokens.length; id++) {
      const text = tokens[id] as string;
      if (!this.idOf.has(text)) this.idOf.set(text, id);
    }
  }

  get size(): number {
    return this.tokens.length;
  }

  type(id: number): number {
    return this.types[id] ?? TokenType.undefined;
  }

  /** Control and unknown tokens: hidden by skipSpecial, parsed only with parseSpecial. */
  isControl(id: number): boolean {
    const type = this.type(id);
    return type === TokenType.control || type === TokenType.unknown;
  }

  /** Tokens matched in raw text before the model: longest first, as llama.cpp's special-token cache. */
  specialTokens(strip: (id: number) => { lstrip: boolean; rstrip: boolean } = noStrip): SpecialToken[] {
    const specials: SpecialToken[] = [];
    for (let id = 0; id < this.tokens.length; id++) {
      const type = this.type(id);
      if (type !== TokenType.control && type !== TokenType.userDefined && type !== TokenType.unknown)
        continue;
      const text = this.tokens[id] as string;
      if (text.length === 0) continue;
      specials.push({ id, text, control: type !== TokenType.userDefined, ...strip(id) });
    }
    return specials.sort((a, b) => byteLength(b.text) - byteLength(a.text) || a.id - b.id);
  }
}

const noStrip = () => ({ lstrip: false, rstrip: false });

const byteLength = (text: string) => Buffer.byteLength(text, 'utf8');
