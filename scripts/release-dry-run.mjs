// `pnpm release:dry-run`: a release rehearsed end to end without touching the checkout. In a temp copy
// of the repo (tracked and untracked-but-not-ignored files, plus the built dist/ folders and the native
// addon), it runs `changeset version`, packs every published package as pnpm publishes it, installs
// the tarballs into an empty project (from pnpm's store where it can), and runs the README example on
// the bundled stories260K model there. Needs `pnpm build` first. Ends with one line: "release dry run:
// ok …" (exit 0) or "release dry run: FAILED at <step>: …" (exit 1).
//   node scripts/release-dry-run.mjs [--keep]   (--keep leaves the temp folder for inspection)
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const keep = process.argv.includes('--keep');
const work = mkdtempSync(path.join(os.tmpdir(), 'x-release-'));
const copy = path.join(work, 'repo');
const packs = path.join(work, 'packs');
const consumer = path.join(work, 'consumer');
const started = performance.now();
const seconds = () => ((performance.now() - started) / 1000).toFixed(1);
let step = 'start';

class StepError extends Error {}
const fail = (message) => {
  throw new StepError(message);
};
const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));
const run = (command, args, cwd, env = {}) => {
  try {
    return execFileSync(command, args, {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (error) {
    process.stderr.write(`${error.stdout ?? ''}${error.stderr ?? ''}`);
    fail(
      `\`${path.basename(command)} ${args.join(' ')}\` failed: ${error.status ?? error.signal ?? error.code}`,
    );
  }
};
const begin = (name) => {
  step = name;
  console.log(`== ${name} (${seconds()} s)`);
};

const published = readdirSync(path.join(root, 'packages'))
  .map((name) => path.join('packages', name))
  .filter((dir) => !readJson(path.join(root, dir, 'package.json')).private);

try {
  begin('copy the checkout');
  for (const dir of published)
    if (!existsSync(path.join(root, dir, 'dist'))) fail(`${dir}/dist is missing: run \`pnpm build\` first`);
  const addon = path.join(root, 'packages/candle-native/build/Release/xcandle.node');
  if (!existsSync(addon))
    fail('packages/candle-native/build/Release/xcandle.node is missing: run `pnpm build` first');
  const files = run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], root)
    .split('\0')
    .filter((file) => file !== '' && existsSync(path.join(root, file)));
  for (const file of files) {
    mkdirSync(path.dirname(path.join(copy, file)), { recursive: true });
    copyFileSync(path.join(root, file), path.join(copy, file));
  }
  for (const dir of published)
    cpSync(path.join(root, dir, 'dist'), path.join(copy, dir, 'dist'), { recursive: true });
  mkdirSync(path.join(copy, 'packages/candle-native/build/Release'), { recursive: true });
  copyFileSync(addon, path.join(copy, 'packages/candle-native/build/Release/xcandle.node'));
  console.log(
    run(process.execPath, ['scripts/stage-prebuild.mjs'], path.join(copy, 'packages/candle-native')).trim(),
  );

  begin('changeset version');
  const before = Object.fromEntries(
    published.map((dir) => [dir, readJson(path.join(copy, dir, 'package.json')).version]),
  );
  const pending = readdirSync(path.join(copy, '.changeset')).filter(
    (file) => file.endsWith('.md') && file !== 'README.md',
  );
  // @changesets/cli 3's bin.js calls module.enableCompileCache (Node ≥ 22.1) and crashes on Node 20;
  // its entry module runs the same command without it.
  const changesetEntry = path.join(root, 'node_modules/@changesets/cli/dist/index.mjs');
  const argv = "process.argv.splice(1, Infinity, 'changeset', 'version');";
  run(
    process.execPath,
    ['--input-type=module', '-e', `${argv} await import(${JSON.stringify(changesetEntry)});`],
    copy,
    { CI: '1' },
  );
  const versions = Object.fromEntries(
    published.map((dir) => [dir, readJson(path.join(copy, dir, 'package.json')).version]),
  );
  const left = readdirSync(path.join(copy, '.changeset')).filter(
    (file) => file.endsWith('.md') && file !== 'README.md',
  );
  if (left.length > 0) fail(`changesets not consumed: ${left.join(', ')}`);
  for (const dir of published) {
    console.log(`${dir}: ${before[dir]} -> ${versions[dir]}`);
    if (pending.length > 0 && versions[dir] === before[dir]) {
      const mentioned = pending.some((file) =>
        readFileSync(path.join(root, '.changeset', file), 'utf8').includes(
          readJson(path.join(copy, dir, 'package.json')).name,
        ),
      );
      if (mentioned) fail(`${dir} has a changeset but its version stayed ${before[dir]}`);
    }
  }
  if (pending.length > 0 && !published.some((dir) => existsSync(path.join(copy, dir, 'CHANGELOG.md'))))
    fail('changeset version wrote no CHANGELOG.md');

  begin('pack');
  mkdirSync(packs);
  const tarballs = {};
  for (const dir of published) {
    const manifest = readJson(path.join(copy, dir, 'package.json'));
    // pnpm pack reads a workspace: dependency's version from node_modules; the copy has no install.
    for (const name of Object.keys(manifest.dependencies ?? {}).filter((name) => name.startsWith('@x/'))) {
      mkdirSync(path.join(copy, dir, 'node_modules/@x'), { recursive: true });
      symlinkSync(
        path.join(copy, 'packages', name.slice(3)),
        path.join(copy, dir, 'node_modules', name),
        'dir',
      );
    }
    const listed = new Set(readdirSync(packs));
    run('pnpm', ['pack', '--pack-destination', packs], path.join(copy, dir));
    const tarball = readdirSync(packs).find((file) => !listed.has(file));
    if (tarball === undefined) fail(`pnpm pack wrote no tarball for ${manifest.name}`);
    const packed = JSON.parse(run('tar', ['xzOf', path.join(packs, tarball), 'package/package.json'], work));
    if (packed.version !== manifest.version)
      fail(`${tarball} has version ${packed.version}, not ${manifest.version}`);
    for (const [name, range] of Object.entries(packed.dependencies ?? {})) {
      if (range.startsWith('workspace:')) fail(`${tarball} still depends on ${name}@${range}`);
      if (
        name.startsWith('@x/') &&
        !range.includes(readJson(path.join(copy, 'packages', name.slice(3), 'package.json')).version)
      )
        fail(`${tarball} depends on ${name}@${range}, not the version just made`);
    }
    if (JSON.stringify(packed.exports ?? {}).includes('x-source'))
      fail(`${tarball} exports the x-source condition`);
    tarballs[manifest.name] = path.join(packs, tarball);
    console.log(`${tarball}`);
  }
  const nativeFiles = run('tar', ['tzf', tarballs['@x/candle-native']], work);
  if (!/^package\/prebuilds\/[^/]+\/xcandle\.node$/m.test(nativeFiles))
    fail('the @x/candle-native tarball has no prebuilt addon');

  begin('install the tarballs into an empty project');
  mkdirSync(consumer);
  const dependencies = Object.fromEntries(
    Object.entries(tarballs).map(([name, file]) => [name, `file:../packs/${path.basename(file)}`]),
  );
  writeFileSync(
    path.join(consumer, 'package.json'),
    `${JSON.stringify({ name: 'x-release-consumer', private: true, type: 'module', dependencies }, null, 2)}\n`,
  );
  // The packages depend on each other by version, not yet on the registry: overrides point them at the tarballs.
  const workspace = [
    'overrides:',
    ...Object.entries(dependencies).map(([name, spec]) => `  '${name}': '${spec}'`),
    'allowBuilds:',
    // pnpm names a tarball dependency by its spec here; the install hook picks the prebuilt addon.
    `  '@x/candle-native@${dependencies['@x/candle-native']}': true`,
    '  onnxruntime-node: false',
    '  protobufjs: false',
    '',
  ];
  writeFileSync(path.join(consumer, 'pnpm-workspace.yaml'), workspace.join('\n'));
  const installed = performance.now();
  const log = run('pnpm', ['install', '--prefer-offline', '--reporter', 'append-only'], consumer);
  const installSeconds = ((performance.now() - installed) / 1000).toFixed(1);
  if (!/@x\/candle-native: using prebuilds\//.test(log)) {
    process.stderr.write(log);
    fail('@x/candle-native did not pick its prebuilt addon at install');
  }
  console.log(`installed in ${installSeconds} s`);

  begin('run the README example');
  const model = path.join(root, 'apps/playground/models/stories260K.gguf');
  writeFileSync(path.join(consumer, 'example.mjs'), exampleProgram());
  writeFileSync(path.join(consumer, 'require-check.cjs'), requireCheck());
  const output = run(process.execPath, ['example.mjs', model], consumer);
  process.stdout.write(output);
  const result = output.match(/^prediction (.*)$/m);
  if (result === null) fail('the example printed no prediction');
  run(process.execPath, ['require-check.cjs'], consumer);

  const summary = published.map(
    (dir) => `${readJson(path.join(copy, dir, 'package.json')).name}@${versions[dir]}`,
  );
  console.log(
    `release dry run: ok (${summary.join(', ')}; install ${installSeconds} s; prediction ${result[1]}; ${seconds()} s in all)`,
  );
} catch (error) {
  const message = error instanceof StepError ? error.message : (error?.stack ?? String(error));
  console.log(`release dry run: FAILED at "${step}": ${message}${keep ? ` (kept ${work})` : ''}`);
  process.exitCode = 1;
} finally {
  if (!keep) rmSync(work, { recursive: true, force: true });
}

// The README's example on the bundled model: ChainOfThought with a Literal and a float field, forward
// and stream, the answer constrained to the adapter's grammar so that it parses even on a tiny model.
function exampleProgram() {
  return `import { ChainOfThought, Signature } from '@x/core';
import { loadLM } from '@x/candle-native';

const lm = await loadLM(process.argv[2], { threads: 2 });
const classify = new ChainOfThought(
  Signature.from("review: str -> sentiment: Literal['positive', 'negative'], confidence: float"),
  { lm, config: { maxTokens: 48, temperature: 0, constrain: true } },
);
try {
  const prediction = await classify.forward({ review: 'The battery lasts two days. Love it.' });
  if (!['positive', 'negative'].includes(prediction.sentiment)) throw new Error(\`sentiment \${prediction.sentiment}\`);
  if (typeof prediction.confidence !== 'number') throw new Error(\`confidence \${prediction.confidence}\`);
  if (typeof prediction.reasoning !== 'string') throw new Error('no reasoning');
  let deltas = 0;
  let streamed;
  for await (const event of classify.stream({ review: 'Broke after a week.' })) {
    if (event.type === 'field-delta') deltas++;
    if (event.type === 'prediction') streamed = event.prediction;
  }
  if (deltas === 0 || streamed === undefined) throw new Error('the stream gave no field deltas or no prediction');
  console.log('prediction', JSON.stringify({ sentiment: prediction.sentiment, confidence: prediction.confidence }));
} finally {
  await lm.dispose();
}
const runtime = await import('@x/runtime');
const onnx = await import('@x/onnx');
const testing = await import('@x/core/testing');
for (const [name, value] of [['@x/runtime loadLM', runtime.loadLM], ['@x/onnx loadLM', onnx.loadLM], ['@x/core/testing ScriptedLM', testing.ScriptedLM]])
  if (typeof value !== 'function') throw new Error(\`\${name} is not exported\`);
`;
}

// CommonJS consumers get the same packages through the require condition.
function requireCheck() {
  return `const core = require('@x/core');
const native = require('@x/candle-native');
if (typeof core.Signature.from !== 'function' || typeof native.loadLM !== 'function') throw new Error('require() exports are incomplete');
`;
}
