import path from 'node:path';
import { AutoModelForCausalLM, BaseStreamer, env, Tensor } from '@huggingface/transformers';
import { fromTokenTimes, type Measurement } from './measure.ts';

class TimingStreamer extends BaseStreamer {
  readonly times: number[] = [];
  readonly tokens: number[] = [];
  private promptSeen = false;

  override put(value: bigint[][]): void {
    // the first put is the prompt itself
    if (!this.promptSeen) {
      this.promptSeen = true;
      return;
    }
    this.times.push(performance.now());
    this.tokens.push(Number(value[0]![0]));
  }

  override end(): void {}
}

export interface TransformersJsRunner {
  generate(prompt: number[], newTokens: number): Promise<Measurement>;
  dispose(): Promise<void>;
}

/** transformers.js text generation (KV cache, greedy) on a local export folder, no network. */
export async function loadTransformersJs(folder: string, threads: number): Promise<TransformersJsRunner> {
  env.allowRemoteModels = false;
  env.localModelPath = path.dirname(folder);
  const model = await AutoModelForCausalLM.from_pretrained(path.basename(folder), {
    dtype: 'fp32',
    device: 'cpu',
    local_files_only: true,
    session_options: { intraOpNumThreads: threads, interOpNumThreads: 1 },
  });
  return {
    async generate(prompt, newTokens) {
      const streamer = new TimingStreamer();
      const inputIds = new Tensor('int64', BigInt64Array.from(prompt.map(BigInt)), [1, prompt.length]);
      const start = performance.now();
      await model.generate({
        input_ids: inputIds,
        max_new_tokens: newTokens,
        min_new_tokens: newTokens,
        do_sample: false,
        streamer: streamer as never,
      });
      return fromTokenTimes(start, streamer.times, streamer.tokens);
    },
    dispose: async () => {
      await model.dispose();
    },
  };
}
