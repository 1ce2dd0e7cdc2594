/**
 * Where the answer starts after a reasoning block: after `</think>` when the text opens with
 * `<think>`, or when a `</think>` has no opening tag before it (chat templates that put `<think>`
 * in the prompt, like Qwen3's). 0 when there is no such block.
 */
export function thinkPreludeEnd(text: string): number {
  const close = text.indexOf('</think>');
  if (close < 0) return 0;
  const open = text.indexOf('<think>');
  const opensFirst = open >= 0 && text.slice(0, open).trim() === '';
  const orphanClose = open < 0 || open > close;
  return opensFirst || orphanClose ? close + '</think>'.length : 0;
}
