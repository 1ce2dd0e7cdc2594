type Values = Record<string, unknown>;

/**
 * A training or evaluation example: values for a signature's input fields and, as labels, some or
 * all of its output fields (DSPy's `Example`; which keys are inputs comes from the module's signature).
 */
export type Example<T extends Values = Values> = Readonly<T>;

/** The entries of `example` named in `keys` that are present. */
export function pickFields(example: Readonly<Values>, keys: readonly string[]): Values {
  const picked: Values = {};
  for (const key of keys)
    if (Object.hasOwn(example, key) && example[key] !== undefined) picked[key] = example[key];
  return picked;
}
