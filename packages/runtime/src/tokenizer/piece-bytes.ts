import { byteLevelEncode } from './byte-level.js';
import { TokenType } from './token-type.js';
import { utf8Encode } from './utf8.js';
import type { Vocab } from './vocab.js';

const BYTE_TOKEN = /^<0x([0-9A-Fa-f]{2})>$/;

/** Decoded bytes of a SentencePiece-style token: `<0xNN>` is one byte, ▁ is a space. */
export function spmPieceBytes(vocab: Vocab, id: number, byteFallback = true): Uint8Array {
  const text = vocab.tokens[id] as string;
  const type = vocab.type(id);
  if (type === TokenType.byte || (byteFallback && type === TokenType.normal)) {
    const byte = byteTokenValue(text);
    if (byte !== undefined) return Uint8Array.of(byte);
  }
  if (type === TokenType.normal) return utf8Encode(text.replaceAll('\u2581', ' '));
  return utf8Encode(text);
}

/** Decoded bytes of a GPT-2 byte-level token; special and added tokens are their own text. */
export function byteLevelPieceBytes(vocab: Vocab, id: number): Uint8Array {
  const text = vocab.tokens[id] as string;
  const type = vocab.type(id);
  if (type === TokenType.byte) {
    const byte = byteTokenValue(text);
    if (byte !== undefined) return Uint8Array.of(byte);
  }
  if (type === TokenType.normal) return byteLevelBytes(text) ?? utf8Encode(text);
  return utf8Encode(text);
}

/** The byte a `<0xNN>` token stands for, or undefined for other text. */
function byteTokenValue(text: string): number | undefined {
  if (text.length !== 6 || text.charCodeAt(0) !== 0x3c) return undefined;
  const byte = BYTE_TOKEN.exec(text);
  return byte === null ? undefined : Number.parseInt(byte[1] as string, 16);
}

/**
 * byteLevelDecode through a table indexed by UTF-16 unit (-1: not a byte-level character): Qwen2's
 * 152k tokens took ~10 ms (33 on the first pass) where its Map of one-character strings took 30-80 (65).
 */
function byteLevelBytes(text: string): Uint8Array | undefined {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const byte = byteOfUnit[text.charCodeAt(i)] ?? -1;
    if (byte < 0) return undefined;
    bytes[i] = byte;
  }
  return bytes;
}

const byteOfUnit = (() => {
  const units = Array.from({ length: 256 }, (_, byte) => byteLevelEncode(Uint8Array.of(byte)).charCodeAt(0));
  const table = new Int16Array(Math.max(...units) + 1).fill(-1);
  units.forEach((unit, byte) => {
    table[unit] = byte;
  });
  return table;
})();
