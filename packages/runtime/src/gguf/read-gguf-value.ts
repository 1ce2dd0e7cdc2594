import type { ByteCursor } from './byte-cursor.js';
import { GGUF_SCALAR_SIZE, GGUFValueType } from './gguf-value-type.js';

/** A metadata value: 64-bit integers are numbers when safe, else bigints. */
export type GGUFValue = string | number | bigint | boolean | GGUFValue[];

const MAX_ARRAY_DEPTH = 8;

function minValueBytes(type: number): number {
  if (type === GGUFValueType.STRING) return 8;
  if (type === GGUFValueType.ARRAY) return 12;
  return GGUF_SCALAR_SIZE[type as GGUFValueType] ?? 1;
}

function checkType(cursor: ByteCursor, type: number, at: number): void {
  if (!Number.isInteger(type) || type < 0 || type > GGUFValueType.FLOAT64) {
    cursor.fail('unknown metadata value type', { offset: at, expected: '0..12', got: String(type) });
  }
}

function safe(value: bigint): number | bigint {
  return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER)
    ? Number(value)
    : value;
}

function bool(cursor: ByteCursor, byte: number, at: number): boolean {
  if (byte > 1) cursor.fail('invalid bool value', { offset: at, expected: '0 or 1', got: String(byte) });
  return byte === 1;
}

/** Reads one value of `type` at the cursor. */
export function readGGUFValue(cursor: ByteCursor, type: number, depth = 0): GGUFValue {
  const at = cursor.pos;
  checkType(cursor, type, at);
  switch (type as GGUFValueType) {
    case GGUFValueType.STRING:
      return cursor.string('string value');
    case GGUFValueType.ARRAY:
      return readArray(cursor, depth);
    case GGUFValueType.BOOL:
      return bool(cursor, cursor.u8('bool value'), at);
    case GGUFValueType.UINT64:
    case GGUFValueType.INT64: {
      const raw = cursor.u64('64-bit value');
      return safe(type === GGUFValueType.INT64 ? BigInt.asIntN(64, raw) : raw);
    }
    default: {
      const values = readNumbers(cursor, type, 1);
      return values[0] as number;
    }
  }
}

/**
 * Steps over one value of `type` without decoding it (strings stay bytes): the bounds are checked as
 * `readGGUFValue` checks them, the contents (UTF-8, bool bytes) are not.
 */
export function skipGGUFValue(cursor: ByteCursor, type: number, depth = 0): void {
  checkType(cursor, type, cursor.pos);
  if (type !== GGUFValueType.STRING && type !== GGUFValueType.ARRAY) {
    cursor.skip(GGUF_SCALAR_SIZE[type as GGUFValueType] as number, 'value');
    return;
  }
  if (type === GGUFValueType.STRING) {
    cursor.skip(cursor.count('string value length', 1), 'string value');
    return;
  }
  if (depth >= MAX_ARRAY_DEPTH) cursor.fail('metadata arrays nested too deeply', { got: String(depth) });
  const elementAt = cursor.pos;
  const element = cursor.u32('array element type');
  checkType(cursor, element, elementAt);
  const length = cursor.count('array length', minValueBytes(element));
  if (element === GGUFValueType.STRING || element === GGUFValueType.ARRAY) {
    for (let i = 0; i < length; i++) skipGGUFValue(cursor, element, depth + 1);
  } else {
    cursor.skip(length * (GGUF_SCALAR_SIZE[element as GGUFValueType] as number), 'array');
  }
}

function readArray(cursor: ByteCursor, depth: number): GGUFValue[] {
  if (depth >= MAX_ARRAY_DEPTH) cursor.fail('metadata arrays nested too deeply', { got: String(depth) });
  const typeAt = cursor.pos;
  const type = cursor.u32('array element type');
  checkType(cursor, type, typeAt);
  const length = cursor.count('array length', minValueBytes(type));
  if (type === GGUFValueType.STRING) {
    const strings = new Array<string>(length);
    for (let i = 0; i < length; i++) strings[i] = cursor.string('array string');
    return strings;
  }
  if (type === GGUFValueType.ARRAY) {
    const arrays = new Array<GGUFValue>(length);
    for (let i = 0; i < length; i++) arrays[i] = readArray(cursor, depth + 1);
    return arrays;
  }
  if (type === GGUFValueType.BOOL) {
    const at = cursor.pos;
    const bytes = new Uint8Array(cursor.take(length, 'bool array'));
    return Array.from(bytes, (byte, i) => bool(cursor, byte, at + i));
  }
  if (type === GGUFValueType.UINT64 || type === GGUFValueType.INT64) {
    const buffer = cursor.take(length * 8, '64-bit array');
    const values = type === GGUFValueType.INT64 ? new BigInt64Array(buffer) : new BigUint64Array(buffer);
    return Array.from(values, safe);
  }
  return readNumbers(cursor, type, length);
}

function readNumbers(cursor: ByteCursor, type: number, length: number): number[] {
  const size = GGUF_SCALAR_SIZE[type as GGUFValueType] as number;
  const buffer = cursor.take(length * size, 'numeric value');
  switch (type as GGUFValueType) {
    case GGUFValueType.UINT8:
      return Array.from(new Uint8Array(buffer));
    case GGUFValueType.INT8:
      return Array.from(new Int8Array(buffer));
    case GGUFValueType.UINT16:
      return Array.from(new Uint16Array(buffer));
    case GGUFValueType.INT16:
      return Array.from(new Int16Array(buffer));
    case GGUFValueType.UINT32:
      return Array.from(new Uint32Array(buffer));
    case GGUFValueType.INT32:
      return Array.from(new Int32Array(buffer));
    case GGUFValueType.FLOAT32:
      return Array.from(new Float32Array(buffer));
    default:
      return Array.from(new Float64Array(buffer));
  }
}
