import type { ByteWriter } from './byte-writer.js';
import { GGUFValueType } from './gguf-value-type.js';
import type { GGUFMetadataType } from './read-gguf.js';
import type { GGUFValue } from './read-gguf-value.js';

/** A metadata value with its stored type spelled out (llama.cpp checks e.g. UINT32 vs INT32). */
export interface GGUFTypedValue extends GGUFMetadataType {
  value: GGUFValue;
}

export type GGUFMetadataInput = Record<string, GGUFValue | GGUFTypedValue>;

const U32_MAX = 0xffffffff;
const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;

function scalarType(value: GGUFValue): GGUFValueType {
  if (typeof value === 'string') return GGUFValueType.STRING;
  if (typeof value === 'boolean') return GGUFValueType.BOOL;
  if (typeof value === 'bigint')
    return value >= I64_MIN && value <= I64_MAX ? GGUFValueType.INT64 : GGUFValueType.UINT64;
  if (Array.isArray(value)) return GGUFValueType.ARRAY;
  if (Number.isInteger(value)) {
    if (value >= 0 && value <= U32_MAX) return GGUFValueType.UINT32;
    if (value >= -(2 ** 31) && value < 2 ** 31) return GGUFValueType.INT32;
    return GGUFValueType.INT64;
  }
  return Math.fround(value) === value || !Number.isFinite(value)
    ? GGUFValueType.FLOAT32
    : GGUFValueType.FLOAT64;
}

/**
 * The stored type a plain value gets: integers UINT32, else INT32, else INT64; other numbers FLOAT32
 * when exact in f32, else FLOAT64. A number array gets the narrowest of these that holds every element.
 */
export function inferGGUFType(value: GGUFValue): GGUFMetadataType {
  const type = scalarType(value);
  if (type !== GGUFValueType.ARRAY) return { type };
  const elements = value as GGUFValue[];
  const first = elements[0];
  if (first === undefined) return { type, elementType: GGUFValueType.INT32 };
  if (typeof first !== 'number') {
    const elementType = scalarType(first);
    for (const element of elements) {
      if (scalarType(element) !== elementType) throw new TypeError('metadata array mixes element types');
    }
    return { type, elementType };
  }
  let integers = true;
  let unsigned32 = true;
  let signed32 = true;
  let exactF32 = true;
  for (const element of elements) {
    if (typeof element !== 'number') throw new TypeError('metadata array mixes element types');
    if (!Number.isInteger(element)) integers = false;
    if (element < 0 || element > U32_MAX) unsigned32 = false;
    if (element < -(2 ** 31) || element >= 2 ** 31) signed32 = false;
    if (Math.fround(element) !== element && Number.isFinite(element)) exactF32 = false;
  }
  const elementType = integers
    ? unsigned32
      ? GGUFValueType.UINT32
      : signed32
        ? GGUFValueType.INT32
        : GGUFValueType.INT64
    : exactF32
      ? GGUFValueType.FLOAT32
      : GGUFValueType.FLOAT64;
  return { type, elementType };
}

/** Splits an input entry into its value and stored type. */
export function typedValue(input: GGUFValue | GGUFTypedValue): GGUFTypedValue {
  if (typeof input === 'object' && !Array.isArray(input)) return input;
  return { ...inferGGUFType(input), value: input };
}

/** Writes `value` (not its type tag) as `type`. */
export function writeGGUFValue(
  writer: ByteWriter,
  type: GGUFValueType,
  value: GGUFValue,
  elementType?: GGUFValueType,
): void {
  switch (type) {
    case GGUFValueType.UINT8:
      writer.u8(Number(value));
      return;
    case GGUFValueType.INT8:
      writer.i8(Number(value));
      return;
    case GGUFValueType.UINT16:
      writer.u16(Number(value));
      return;
    case GGUFValueType.INT16:
      writer.i16(Number(value));
      return;
    case GGUFValueType.UINT32:
      writer.u32(Number(value));
      return;
    case GGUFValueType.INT32:
      writer.i32(Number(value));
      return;
    case GGUFValueType.FLOAT32:
      writer.f32(Number(value));
      return;
    case GGUFValueType.FLOAT64:
      writer.f64(Number(value));
      return;
    case GGUFValueType.BOOL:
      writer.u8(value ? 1 : 0);
      return;
    case GGUFValueType.UINT64:
      writer.u64(value as number | bigint);
      return;
    case GGUFValueType.INT64:
      writer.i64(value as number | bigint);
      return;
    case GGUFValueType.STRING:
      if (typeof value !== 'string') throw new TypeError(`expected a string, got ${typeof value}`);
      writer.string(value);
      return;
    case GGUFValueType.ARRAY: {
      if (!Array.isArray(value)) throw new TypeError(`expected an array, got ${typeof value}`);
      const inner = elementType ?? inferGGUFType(value).elementType ?? GGUFValueType.INT32;
      writer.u32(inner);
      writer.u64(value.length);
      for (const element of value) {
        writeGGUFValue(
          writer,
          inner,
          element,
          inner === GGUFValueType.ARRAY ? inferGGUFType(element).elementType : undefined,
        );
      }
      return;
    }
    default:
      throw new TypeError(`unknown GGUF value type ${type}`);
  }
}
