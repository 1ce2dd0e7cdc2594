import type { FieldType } from './field-type.js';

/**
 * Python's `Union[...]`: nested unions flattened, repeated options dropped (first kept), and a
 * union of one option is that option, so `Optional[Optional[int]]` is `Union[int, None]`.
 */
export function unionType(options: readonly FieldType[]): FieldType {
  const flat: FieldType[] = [];
  const seen = new Set<string>();
  for (const option of options.flatMap((item) => (item.kind === 'union' ? item.options : [item]))) {
    const key = JSON.stringify(option);
    if (seen.has(key)) continue;
    seen.add(key);
    flat.push(option);
  }
  return flat.length === 1 ? flat[0]! : { kind: 'union', options: flat };
}

/** DSPy's `annotation_allows_none`: `None` itself, or a union with `None` among its options. */
export function allowsNone(type: FieldType): boolean {
  return type.kind === 'none' || (type.kind === 'union' && type.options.some(allowsNone));
}
