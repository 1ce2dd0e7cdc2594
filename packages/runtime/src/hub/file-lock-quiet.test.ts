import { expect, it } from 'vitest';
import { FileLockQuiet } from './file-lock-quiet.js';

it('counts from the first look at a fingerprint and starts over when it changes', () => {
  const quiet = new FileLockQuiet();
  expect(quiet.quietFor('a', 'x@1', 1000)).toBe(0);
  expect(quiet.quietFor('a', 'x@1', 1250)).toBe(250);
  expect(quiet.quietFor('b', 'y@1', 1250)).toBe(0);
  expect(quiet.quietFor('a', 'x@2', 1300)).toBe(0);
  expect(quiet.quietFor('a', 'x@2', 1400)).toBe(100);
});
