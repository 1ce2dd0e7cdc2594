/**
 * Resolves on a later turn of the event loop, once every pending microtask has run (setImmediate
 * where there is one, else a zero timeout): a caller that waits for it lets promise chains already
 * under way, however many awaits long, finish first.
 */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof setImmediate === 'function') setImmediate(resolve);
    else setTimeout(resolve, 0);
  });
}
