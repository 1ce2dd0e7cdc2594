import type { z } from 'zod';
import { RequestError } from './request-error.js';

/** `messages[0].content` from ['messages', 0, 'content'], as OpenAI names a parameter. */
export function paramOf(path: readonly PropertyKey[]): string | null {
  let param = '';
  for (const key of path) param += typeof key === 'number' ? `[${key}]` : `${param ? '.' : ''}${String(key)}`;
  return param || null;
}

/** Our own refinements carry their error code in `params.code`. */
export function customIssue(
  code: string,
  message: string,
): { code: 'custom'; message: string; params: { code: string } } {
  return { code: 'custom', message, params: { code } };
}

/**
 * `schema.parse(value)`, with the first problem turned into a 400 RequestError that names the
 * parameter, so every client mistake reads the same whichever route it came through.
 */
export function parseWithSchema<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0]!;
    const param = paramOf([...issue.path, key]);
    throw new RequestError({
      status: 400,
      code: 'unknown_parameter',
      param,
      message: `unrecognized parameter \`${param}\``,
    });
  }
  const param = paramOf(issue.path);
  const code =
    issue.code === 'custom' && typeof issue.params?.code === 'string' ? issue.params.code : issue.code;
  throw new RequestError({
    status: 400,
    code,
    param,
    message: param ? `invalid \`${param}\`: ${issue.message}` : issue.message,
  });
}

/** `null` and absence both mean "the default", as in OpenAI's API. */
export const optional = <T extends z.ZodType>(schema: T) =>
  schema.nullish().transform((value) => value ?? undefined);
