/** GPT-2's reversible byte → printable-character table: bytes that print stay, the rest move to U+0100+. */
function buildByteToChar(): string[] {
  const table: string[] = new Array(256);
  let next = 256;
  for (let byte = 0; byte < 256; byte++) {
    const printable = (byte >= 0x21 && byte <= 0x7e) || (byte >= 0xa1 && byte <= 0xac) || byte >= 0xae;
    table[byte] = String.fromCharCode(printable ? byte : next++);
  }
  return table;
}

const byteToChar = buildByteToChar();
const charToByte = new Map<string, number>(byteToChar.map((char, byte) => [char, byte]));

/** Maps raw bytes to GGUF/HF byte-level token text. */
export function byteLevelEncode(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) text += byteToChar[byte];
  return text;
}

/** The bytes behind byte-level token text, or undefined when a character is not in the table. */
export function byteLevelDecode(text: string): Uint8Array | undefined {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const byte = charToByte.get(text[i] as string);
    if (byte === undefined) return undefined;
    bytes[i] = byte;
  }
  return bytes;
}
