// `pnpm --filter @x/benchmarks plots [--from <file|dir>] [--out <dir>]`: SVG plots for docs/.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeBenchPlots } from './write-bench-plots.ts';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const help = `usage: pnpm --filter @x/benchmarks plots [options]

Draws SVG bar charts of x's ratio to llama.cpp per case (decode, prefill, TTFT) from \`pnpm bench\`
results, and line charts over the runs when there are several. The playground's /bench page draws
the same charts.

options:
  --from <file|dir>  a results JSON or a folder of them (default benchmarks/results/history)
  --out <dir>        where the .svg files go (default docs/img)
  -h, --help         this help`;

// pnpm runs the script in benchmarks/; paths on the command line are the caller's.
const callerDir = process.env.INIT_CWD ?? process.cwd();
const options = { from: path.join(repo, 'benchmarks/results/history'), out: path.join(repo, 'docs/img') };
const argv = process.argv.slice(2);
for (let index = 0; index < argv.length; index++) {
  const arg = argv[index]!;
  if (arg === '--help' || arg === '-h') {
    console.log(help);
    process.exit(0);
  }
  const value = argv[index + 1];
  if ((arg !== '--from' && arg !== '--out') || value === undefined) {
    process.stderr.write(
      `plots: ${value === undefined && arg.startsWith('--') ? `${arg} needs a value` : `unknown option ${arg}`} (see --help)\n`,
    );
    process.exit(2);
  }
  options[arg.slice(2) as 'from' | 'out'] = path.resolve(callerDir, value);
  index++;
}
try {
  for (const file of writeBenchPlots(options)) console.log(path.relative(callerDir, file));
} catch (error) {
  process.stderr.write(`plots: ${(error as Error).message}\n`);
  process.exit(1);
}
