import { backendNames } from './backends.js';

const backends = backendNames.join('|');

const model = `  --model <path|hf:owner/repo/file.gguf>
                        a GGUF file, an ONNX folder (onnx backend) or a hub reference, downloaded
                        once into $X_CACHE_DIR (default ~/.cache/x/hub); X_OFFLINE=1 uses only the
                        cache, HF_ENDPOINT picks the hub. Default: the bundled stories260K model.`;

export const commandHelp = {
  run: `usage: x-playground run "<signature>" --<input> <value>… [options]

Runs one DSPy-style signature (e.g. "question -> answer: int") on a local model: streams the raw
tokens, then prints the typed output fields.

options:
${model}
  --backend ${backends}   engine (default candle)
  --threads <n>         CPU threads (default: physical cores)
  --kv-memory <size>    KV cache bytes the run may hold, e.g. 64MiB (default: no limit)
  --max-tokens <n>      tokens to generate, 1–100000 (default 128)
  --temperature <t>     0 (greedy, default) to 5
  --cot                 chain of thought (adds a reasoning field)
  --strict              exit 1 when the answer does not parse
  --unconstrained       sample freely instead of within the adapter's output grammar
  --json                print one JSON object (prediction, raw text, parse error) instead of a stream
  -h, --help            this help`,
  serve: `usage: x-playground serve [options]

Serves an OpenAI-compatible API (/v1/chat/completions, /v1/completions, /v1/models).

options:
${model}
  --backend ${backends}   engine (default candle)
  --threads <n>         CPU threads
  --host <host>         default 127.0.0.1
  --port <port>         default 8080
  --model a=x.gguf,b=y.gguf   several models, chosen by the request's "model"
  --memory-budget <size>      bytes the loaded models may take together (LRU), e.g. 4GiB
  --serve-any-model           answer any "model" name with the first model (default: 404)
  --cors-origins <list>       allow these browser origins (default: CORS off)
  --body-limit <size>         largest request body (default 1MiB)
  --request-timeout-ms <n>    cut requests slower than this (default 30000)
  --max-queue <n>             requests that may wait for a KV slot before 429 (default 256)
  --kv-memory <size>          KV cache bytes each model's requests may hold together, e.g. 512MiB;
                              past it requests are preempted and recomputed (default: no limit)
  -h, --help            this help`,
  web: `usage: x-playground web [options]

Serves a web page that runs one signature on several backends side by side.

options:
${model}
  --backends <list>     comma-separated, from ${backendNames.join(', ')} (default all)
  --threads <n>         CPU threads
  --host <host>         default 127.0.0.1
  --port <port>         default 8090
  --bench-dir <dir>     the \`pnpm bench\` results plotted on /bench (default benchmarks/results/history)
  -h, --help            this help`,
} as const;

export type CommandName = keyof typeof commandHelp;

export const mainHelp = `usage: x-playground <command> [options]

commands:
  run     run one signature on a local model and print its typed fields
  serve   an OpenAI-compatible HTTP server
  web     a web page comparing backends side by side

\`x-playground <command> --help\` describes each command's options.`;

export function isCommandName(value: string | undefined): value is CommandName {
  return value !== undefined && Object.hasOwn(commandHelp, value);
}
