import { accessSync, constants } from 'node:fs';

/** Where Debian, Ubuntu and Chrome's own packages put the browser; X_CHROMIUM overrides them. */
const candidates = [
  '/usr/bin/chromium',
  '/usr/lib/chromium/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome-stable',
  '/usr/bin/google-chrome',
];

const isExecutable = (file: string) => {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/**
 * The Chromium binary the end-to-end tests drive, or undefined when none is installed. A set but
 * missing X_CHROMIUM is not silently replaced by another browser.
 */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const chosen = env.X_CHROMIUM;
  if (chosen) return isExecutable(chosen) ? chosen : undefined;
  return candidates.find(isExecutable);
}

export const noChromiumReason =
  'no Chromium found (install it with `apt-get install -y chromium`, or set X_CHROMIUM to a Chromium binary)';
