import { type FieldType, Signature, ToolCalls, t } from '@x/core';

/** Signatures covering every output type constrained decoding supports, with a known-good answer each. */
export const SIGNATURE_CORPUS: ReadonlyArray<{ signature: Signature; answer: Record<string, unknown> }> = [
  { signature: Signature.from('question -> answer'), answer: { answer: 'Lily found a ball.' } },
  {
    signature: Signature.from('question -> reasoning, answer: int'),
    answer: { reasoning: 'Two and [two] make four.', answer: 4 },
  },
  { signature: Signature.from('text -> score: float, ok: bool'), answer: { score: -0.25, ok: true } },
  {
    signature: Signature.from("text -> label: Literal['positive', 'negative', 'neutral']"),
    answer: { label: 'neutral' },
  },
  {
    signature: Signature.from({
      inputs: { text: {} },
      outputs: {
        level: { type: t.enum({ LOW: 'low', HIGH: 'high' }, 'Level') },
        n: { type: t.literal(1, 2, 3) },
      },
    }),
    answer: { level: 'high', n: 2 },
  },
  {
    signature: Signature.from('text -> tags: list[str], counts: dict[str, int]'),
    answer: { tags: ['a "quoted" tag', 'é'], counts: { cats: 2, dogs: 0 } },
  },
  {
    signature: Signature.from({
      inputs: { text: {} },
      outputs: {
        person: {
          type: t.object({
            title: 'Person',
            type: 'object',
            properties: {
              name: { type: 'string' },
              age: { type: 'integer' },
              nickname: { anyOf: [{ type: 'string' }, { type: 'null' }] },
              pets: { type: 'array', items: { type: 'string' }, maxItems: 3 },
            },
            required: ['name', 'age'],
          }),
        },
      },
    }),
    answer: { person: { name: 'Lily', age: 7, nickname: null, pets: ['cat'] } },
  },
  {
    signature: Signature.from('text -> count: Optional[int], note: Optional[str], flag: Union[int, bool]'),
    answer: { count: null, note: 'Lily [smiled].', flag: 3 },
  },
  {
    signature: Signature.from('text -> maybe: list[Optional[float]], nothing: None'),
    answer: { maybe: [1.5, null], nothing: null },
  },
  {
    signature: Signature.from('text -> anything: Any, args: dict[str, Any]'),
    answer: { anything: [1, 'two', { three: false }], args: { query: 'cats', limit: 3 } },
  },
  {
    signature: Signature.from({
      inputs: { text: {} },
      outputs: {
        answer: {},
        n: { type: 'int', default: 7 },
        note: { type: 'Optional[str]' },
        label: { type: "Literal['a', 'b']", default: 'a' },
      },
    }),
    answer: { answer: 'Lily', n: 3, note: 'ok', label: 'b' },
  },
  {
    signature: Signature.from('question -> calls: ToolCalls'),
    answer: { calls: new ToolCalls([{ name: 'search', args: { query: 'cats' } }]) },
  },
];

/** Throws unless `value` has the declared type (the adapters already coerced it; this checks their word). */
export function assertFieldType(value: unknown, type: FieldType, where: string): void {
  const fail = () => {
    throw new Error(`${where}: ${JSON.stringify(value)} is not a ${type.kind}`);
  };
  switch (type.kind) {
    case 'str':
      if (typeof value !== 'string') fail();
      return;
    case 'int':
      if (!Number.isInteger(value)) fail();
      return;
    case 'float':
      if (typeof value !== 'number' || !Number.isFinite(value)) fail();
      return;
    case 'bool':
      if (typeof value !== 'boolean') fail();
      return;
    case 'literal':
      if (!type.values.includes(value as string)) fail();
      return;
    case 'enum':
      if (!type.members.some((member) => member.value === value)) fail();
      return;
    case 'list':
      if (!Array.isArray(value)) fail();
      for (const [i, item] of (value as unknown[]).entries())
        assertFieldType(item, type.items, `${where}[${i}]`);
      return;
    case 'dict':
      if (typeof value !== 'object' || value === null || Array.isArray(value)) fail();
      for (const [key, item] of Object.entries(value as object))
        assertFieldType(item, type.values, `${where}.${key}`);
      return;
    case 'object': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) fail();
      const required = (type.schema.required as string[] | undefined) ?? [];
      for (const key of required) if (!(key in (value as object))) fail();
      return;
    }
    case 'none':
      if (value !== null) fail();
      return;
    case 'union': {
      const fits = type.options.some((option) => {
        try {
          assertFieldType(value, option, where);
          return true;
        } catch {
          return false;
        }
      });
      if (!fits) fail();
      return;
    }
    case 'any':
      if (value === undefined) fail();
      return;
    case 'toolCalls':
      if (!(value instanceof ToolCalls)) fail();
      for (const call of (value as ToolCalls).toolCalls)
        if (typeof call.name !== 'string' || typeof call.args !== 'object' || call.args === null) fail();
      return;
    default:
      fail();
  }
}
