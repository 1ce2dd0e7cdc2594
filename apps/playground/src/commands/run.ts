import { Writable } from 'node:stream';
import { AdapterParseError, ChainOfThought, Predict, Signature, XError } from '@x/core';
import { type BackendName, defaultModelPath, loadBackend } from '../backends.js';
import { TapLM } from '../tap-lm.js';

export interface RunCommandOptions {
  signature: string;
  inputs: Record<string, string>;
  model?: string;
  backend: BackendName;
  threads?: number;
  /** KV cache bytes the run may hold (the LM's kvMemoryBytes); a larger request fails with OutOfMemoryError. */
  kvMemoryBytes?: number;
  maxTokens: number;
  temperature: number;
  chainOfThought: boolean;
  /** Exit with 1 when the model's answer does not parse (default: report it and exit 0). */
  strict: boolean;
  /** Print one JSON object at the end instead of streaming text. */
  json?: boolean;
  /** false samples freely instead of within the adapter's output grammar (default true). */
  constrain?: boolean;
  out: NodeJS.WritableStream;
}

/** The main job: one signature on a local model, streaming the raw tokens, then the typed fields. */
export async function runCommand(options: RunCommandOptions): Promise<number> {
  const report = options.json ? jsonReport(options) : undefined;
  const out = report?.out ?? options.out;
  const signature = Signature.from(options.signature);
  const missing = signature.inputFields
    .map((field) => field.name)
    .filter((name) => !(name in options.inputs));
  if (missing.length > 0) {
    options.out.write(
      `missing input ${missing.map((name) => `--${name}`).join(', ')} for "${options.signature}"\n`,
    );
    return 2;
  }
  const modelPath = options.model ?? defaultModelPath;
  out.write(
    `model: ${modelPath}${options.model ? '' : ' (bundled default)'}\nbackend: ${options.backend}\n\n`,
  );
  const lm = await loadBackend(options.backend, modelPath, {
    threads: options.threads,
    kvMemoryBytes: options.kvMemoryBytes,
  });
  try {
    const echo = new TapLM(lm, {
      onDelta: (text) => {
        if (report) report.rawText += text;
        out.write(text);
      },
      onResult: (result, streamed) => {
        if (!streamed) out.write(`\n--- second call (not streamed) ---\n${result.text}`);
      },
    });
    const config = {
      maxTokens: options.maxTokens,
      temperature: options.temperature,
      constrain: options.constrain ?? true,
    };
    const program = options.chainOfThought
      ? new ChainOfThought(signature, { lm: echo, config })
      : new Predict(signature, { lm: echo, config });
    out.write('--- stream ---\n');
    try {
      const events = program.stream(options.inputs);
      let prediction: unknown;
      for await (const event of events) if (event.type === 'prediction') prediction = event.prediction;
      if (report) return report.end({ prediction });
      out.write('\n--- prediction ---\n');
      out.write(`${JSON.stringify(prediction, null, 2)}\n`);
      return 0;
    } catch (error) {
      if (!AdapterParseError.isInstance(error)) throw error;
      if (report) {
        const { message, expectedFields, partial } = error;
        return report.end({ parseError: { message, expectedFields, partial } }, options.strict ? 1 : 0);
      }
      out.write('\n--- parse error ---\n');
      out.write(`${error.message}\nexpected fields: ${error.expectedFields.join(', ')}\n`);
      out.write(`parsed fields: ${Object.keys(error.partial).join(', ') || '(none)'}\n`);
      out.write(`raw text:\n${error.rawText}\n`);
      return options.strict ? 1 : 0;
    }
  } catch (error) {
    if (!XError.isInstance(error)) throw error;
    if (report)
      return report.end({ error: { name: error.name, code: error.code, message: error.message } }, 1);
    out.write(`\n${error.name} (${error.code}): ${error.message}\n`);
    return 1;
  } finally {
    await lm.dispose();
  }
}

/** `--json`: the human-readable stream is dropped; one object goes to the real output at the end. */
function jsonReport(options: RunCommandOptions) {
  const report = {
    rawText: '',
    out: new Writable({ write: (_chunk, _encoding, done) => done() }),
    end(result: Record<string, unknown>, code = 0): number {
      const model = options.model ?? defaultModelPath;
      const body = {
        model,
        backend: options.backend,
        signature: options.signature,
        ...result,
        rawText: report.rawText,
      };
      options.out.write(`${JSON.stringify(body)}\n`);
      return code;
    },
  };
  return report;
}
