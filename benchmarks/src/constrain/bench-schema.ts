/** The schema every engine in the constrained-decoding benchmark decodes against. */
export const benchSchema = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    age: { type: 'integer' },
    mood: { enum: ['happy', 'sad', 'curious'] },
    friends: {
      type: 'array',
      items: {
        type: 'object',
        properties: { name: { type: 'string' }, years: { type: 'integer' } },
        required: ['name', 'years'],
        additionalProperties: false,
      },
      maxItems: 4,
    },
    note: { type: 'string' },
  },
  required: ['name', 'age', 'mood', 'friends', 'note'],
  additionalProperties: false,
} as const;
