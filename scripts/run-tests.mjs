// Runs every test suite (vitest projects, the native C++ harness, optionally its sanitizer build)
// and ends with one line CI reads: `N passed, N failed`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const sharedDir = process.env.X_SHARED_DIR ?? path.resolve(root, '../shared');
const storiesModel = path.join(sharedDir, 'models/stories260K.gguf');
const withSanitizers = process.argv.includes('--sanitized');
// --soak=S, --fuzz=S: CI's time-boxed soak of the server and libFuzzer run; --arm64: the cross-built
// harness under qemu-user. Each counts as a suite in the closing line.
const optionValue = (name) => process.argv.find((arg) => arg.startsWith(`--${name}=`))?.split('=')[1];
const soakSeconds = optionValue('soak');
const fuzzSeconds = optionValue('fuzz');
const withArm64 = process.argv.includes('--arm64');
const ownFlags = /^--(sanitized|arm64|soak=|fuzz=)/;
const vitestArgs = process.argv.slice(2).filter((arg) => !ownFlags.test(arg));

const totals = { passed: 0, failed: 0, skipped: 0 };
const suites = [];
// Named again just above the closing line, so a log cut to its tail still says what failed.
const failures = [];

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], ...options });
  const stdout = result.stdout?.toString() ?? '';
  process.stdout.write(stdout);
  return { status: result.status ?? 1, stdout };
}

function record(name, passed, failed, skipped = 0) {
  suites.push(`${name}: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  totals.passed += passed;
  totals.failed += failed;
  totals.skipped += skipped;
}

function countsFromClosingLine(name, { status, stdout }) {
  const match = [...stdout.matchAll(/^(\d+) passed, (\d+) failed(?:, (\d+) skipped)?/gm)].at(-1);
  if (!match) return record(name, 0, 1);
  const failed = Number(match[2]) + (status !== 0 && Number(match[2]) === 0 ? 1 : 0);
  record(name, Number(match[1]), failed, Number(match[3] ?? 0));
}

function runVitest(name, args, env = {}) {
  mkdirSync(path.join(root, 'test-results'), { recursive: true });
  const report = path.join(root, `test-results/${name.replace(/\W+/g, '-')}.json`);
  rmSync(report, { force: true });
  const { status } = run(
    'pnpm',
    [
      'exec',
      'vitest',
      'run',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${report}`,
      ...args,
    ],
    { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, ...env } },
  );
  if (!existsSync(report)) return record(name, 0, 1);
  const json = JSON.parse(readFileSync(report, 'utf8'));
  const crashed = status !== 0 && json.numFailedTests === 0;
  for (const file of json.testResults ?? []) {
    const where = path.relative(root, file.name);
    const failedTests = (file.assertionResults ?? []).filter((test) => test.status === 'failed');
    for (const test of failedTests) {
      const reason = (test.failureMessages?.[0] ?? '').split('\n')[0].slice(0, 300);
      failures.push(`${name}: ${where} > ${test.fullName}: ${reason}`);
    }
    if (file.status === 'failed' && failedTests.length === 0) {
      failures.push(`${name}: ${where}: ${(file.message ?? 'failed to run').split('\n')[0].slice(0, 300)}`);
    }
  }
  record(
    name,
    json.numPassedTests,
    json.numFailedTests + (crashed ? Math.max(1, json.numFailedTestSuites) : 0),
    json.numPendingTests + json.numTodoTests,
  );
}

function runHarness(name, buildDir, env = {}) {
  const harness = path.join(root, 'packages/candle-native', buildDir, 'xcandle-harness');
  if (!existsSync(harness)) return record(name, 0, 1);
  countsFromClosingLine(name, run(harness, ['test', storiesModel], { env: { ...process.env, ...env } }));
}

runVitest('vitest', vitestArgs);
runHarness('native harness', 'build/Release');
if (withSanitizers) {
  const sanitizerEnv = { UBSAN_OPTIONS: 'print_stacktrace=1:halt_on_error=1' };
  runHarness('native harness (ASan+UBSan)', 'build-asan', {
    ...sanitizerEnv,
    ASAN_OPTIONS: 'detect_leaks=1',
  });
  // Node itself is not instrumented: the ASan runtime is preloaded and leak checks stay off.
  const libasan = spawnSync('g++', ['-print-file-name=libasan.so']).stdout.toString().trim();
  runVitest('candle-native addon (ASan+UBSan)', ['--project', 'candle-native'], {
    ...sanitizerEnv,
    LD_PRELOAD: libasan,
    ASAN_OPTIONS: 'detect_leaks=0:abort_on_error=1:handle_segv=0:allow_user_segv_handler=1',
    X_CANDLE_ADDON: path.join(root, 'packages/candle-native/build-asan/Release/xcandle.node'),
  });
}

/** A check that passes or fails as a whole (exit status 0 or not). */
function runCheck(name, command, args, options = {}) {
  const { status } = run(command, args, { stdio: ['ignore', 'inherit', 'inherit'], ...options });
  record(name, status === 0 ? 1 : 0, status === 0 ? 0 : 1);
}

if (soakSeconds) {
  runCheck(`server soak (${soakSeconds} s, 64 clients)`, 'pnpm', [
    '--filter',
    '@x/playground',
    'soak',
    '--seconds',
    soakSeconds,
    '--clients',
    '64',
  ]);
}
if (fuzzSeconds) {
  runCheck(`GGUF loader libFuzzer (${fuzzSeconds} s)`, 'bash', [
    'packages/candle-native/scripts/fuzz.sh',
    '--time',
    fuzzSeconds,
  ]);
}
if (withArm64) {
  countsFromClosingLine(
    'native harness (linux-arm64 under qemu)',
    run('bash', ['packages/candle-native/scripts/build-linux-arm64.sh', storiesModel]),
  );
}

console.log('');
for (const line of suites) console.log(line);
if (totals.skipped > 0) console.log(`(${totals.skipped} skipped: each says why in the log above)`);
for (const failure of failures) console.log(`FAILED ${failure}`);
console.log(`${totals.passed} passed, ${totals.failed} failed`);
process.exit(totals.failed === 0 ? 0 : 1);
