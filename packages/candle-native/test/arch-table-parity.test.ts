import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ARCHITECTURES } from '@x/runtime';
import { describe, expect, it } from 'vitest';

const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Built beside the addon by `pnpm --filter @x/candle-native build`; missing is a failure, never a skip. */
const harness = process.env.XC_HARNESS ?? path.join(packageRoot, 'build/Release/xcandle-harness');

describe('the C++ architecture table', () => {
  it('matches @x/runtime ARCHITECTURES field for field', () => {
    expect(existsSync(harness), `${harness} must exist`).toBe(true);
    const dump: unknown = JSON.parse(execFileSync(harness, ['arch-table'], { encoding: 'utf8' }));
    expect(dump).toStrictEqual(JSON.parse(JSON.stringify(ARCHITECTURES)));
  });
});
