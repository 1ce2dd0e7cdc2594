import { byteLevelDecode } from './byte-level.js';
import { TokenType } from './token-type.js';
import { utf8Encode } from './utf8.js';
import type { Vocab } from './vocab.js';

const BYTE_TOKEN = /^<0x([0-9A-Fa-f]{2})>$/;

/** Decoded bytes of a SentencePiece-style token: `<0xNN>` is one byte, ▁ is a space. */
export function spmPieceBytes(vocab: Vocab, id: number, byteFallback = true): Uint8Array {
  const text = vocab.tokens[id] as string;
  const type = vocab.type(id);
  if (type === TokenType.byte || (byteFallback && type === TokenType.normal)) {
    const byte = BYTE_TOKEN.exec(text);
    if (byte !== null) return Uint8Array.of(Number.parseInt(byte[1] as string, 16));
  }
  if (type === TokenType.normal) return utf8Encode(text.replaceAll('\u2581', ' '));
  return utf8Encode(text);
}

/** Decoded bytes of a GPT-2 byte-level token; special and added tokens are their own text. */
export function byteLevelPieceBytes(vocab: Vocab, id: number): Uint8Array {
  const text = vocab.tokens[id] as string;
  const type = vocab.type(id);
  if (type === TokenType.byte) {
    const byte = BYTE_TOKEN.exec(text);
    if (byte !== null) return Uint8Array.of(Number.parseInt(byte[1] as string, 16));
  }
  if (type === TokenType.normal) return byteLevelDecode(text) ?? utf8Encode(text);
  return utf8Encode(text);
}
