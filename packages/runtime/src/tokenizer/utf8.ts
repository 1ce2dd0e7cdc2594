const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/**
 * Strings up to this long are encoded by `encodeShort`: for token pieces (a few characters) a JS
 * loop into a fresh on-heap array took ~70 ns a piece where TextEncoder.encode, which allocates an
 * off-heap buffer per call, took 300-900 ns (Llama-2's 32k pieces: ~2.5 ms against 10-30).
 */
const SHORT_TEXT = 64;

/** UTF-8 bytes of a string (lone surrogates become U+FFFD). */
export function utf8Encode(text: string): Uint8Array {
  return text.length <= SHORT_TEXT ? encodeShort(text) : encoder.encode(text);
}

/** TextEncoder.encode's bytes, written by hand. */
function encodeShort(text: string): Uint8Array {
  let length = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) length += 1;
    else if (unit < 0x800) length += 2;
    else if (pairsAt(text, i)) {
      length += 4;
      i++;
    } else length += 3;
  }
  const bytes = new Uint8Array(length);
  let at = 0;
  for (let i = 0; i < text.length; i++) {
    let point = text.charCodeAt(i);
    if (point < 0x80) {
      bytes[at++] = point;
      continue;
    }
    if (point < 0x800) {
      bytes[at++] = 0xc0 | (point >> 6);
    } else {
      if (pairsAt(text, i)) {
        point = 0x10000 + ((point - 0xd800) << 10) + (text.charCodeAt(++i) - 0xdc00);
        bytes[at++] = 0xf0 | (point >> 18);
        bytes[at++] = 0x80 | ((point >> 12) & 0x3f);
      } else {
        if (point >= 0xd800 && point <= 0xdfff) point = 0xfffd;
        bytes[at++] = 0xe0 | (point >> 12);
      }
      bytes[at++] = 0x80 | ((point >> 6) & 0x3f);
    }
    bytes[at++] = 0x80 | (point & 0x3f);
  }
  return bytes;
}

/** Whether a high surrogate at `i` is followed by a low one (one code point above U+FFFF). */
function pairsAt(text: string, i: number): boolean {
  const unit = text.charCodeAt(i);
  if (unit < 0xd800 || unit > 0xdbff) return false;
  const next = text.charCodeAt(i + 1);
  return next >= 0xdc00 && next <= 0xdfff;
}

/** Text from UTF-8 bytes; invalid sequences become U+FFFD. */
export function utf8Decode(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

/** How many bytes at the end of `bytes` start a UTF-8 character that is not complete yet. */
export function incompleteUtf8Tail(bytes: Uint8Array, length = bytes.length): number {
  for (let back = 1; back <= Math.min(3, length); back++) {
    const byte = bytes[length - back] as number;
    if ((byte & 0xc0) === 0x80) continue;
    const need = byte >= 0xf0 && byte <= 0xf4 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc2 && byte < 0xe0 ? 2 : 1;
    return need > back ? back : 0;
  }
  return 0;
}
