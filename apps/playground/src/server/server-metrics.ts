import type { LM } from '@x/core';

export interface LoadedModel {
  name: string;
  lm: LM;
}

const escapeLabel = (value: string) =>
  value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/** Numeric fields of an LM's `stats()` (or `stats` object), nested ones joined by `_`, when its backend has one. */
function lmStats(lm: LM): Record<string, number> {
  const source = (lm as { stats?: unknown }).stats;
  const value: unknown = typeof source === 'function' ? (source as () => unknown).call(lm) : source;
  const stats: Record<string, number> = {};
  const walk = (node: unknown, prefix: string, depth: number) => {
    if (typeof node === 'number' && prefix) stats[prefix] = node;
    else if (typeof node === 'object' && node !== null && depth < 3)
      for (const [key, child] of Object.entries(node))
        walk(child, prefix ? `${prefix}_${key}` : key, depth + 1);
  };
  walk(value, '', 0);
  return stats;
}

const snake = (name: string) =>
  name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`).replace(/[^a-z0-9_]/g, '_');

/**
 * Counts kept by the server itself (requests by route and status, tokens, requests in flight and
 * those still waiting for their first token), rendered as Prometheus text with process memory and
 * whatever numbers each loaded LM reports through `stats`.
 */
export class ServerMetrics {
  private readonly requests = new Map<string, number>();
  promptTokens = 0;
  completionTokens = 0;
  inFlight = 0;
  /** Accepted generations that have not produced a token yet: the queue as the server sees it. */
  waiting = 0;
  unhandledRejections = 0;

  countRequest(route: string, status: number): void {
    const key = `route="${escapeLabel(route)}",status="${status}"`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
  }

  render(models: readonly LoadedModel[], loadedBytes: number): string {
    const lines: string[] = [];
    const metric = (name: string, type: string, help: string, samples: Array<[string, number]>) => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      for (const [labels, value] of samples) lines.push(`${name}${labels ? `{${labels}}` : ''} ${value}`);
    };
    metric('x_http_requests_total', 'counter', 'HTTP requests answered, by route and status.', [
      ...this.requests.entries(),
    ]);
    metric('x_prompt_tokens_total', 'counter', 'Prompt tokens of finished generations.', [
      ['', this.promptTokens],
    ]);
    metric('x_completion_tokens_total', 'counter', 'Tokens generated.', [['', this.completionTokens]]);
    metric('x_requests_in_flight', 'gauge', 'Generation requests being answered.', [['', this.inFlight]]);
    metric('x_requests_waiting', 'gauge', 'Generations accepted and still waiting for their first token.', [
      ['', this.waiting],
    ]);
    metric('x_unhandled_rejections_total', 'counter', 'Unhandled promise rejections in the server process.', [
      ['', this.unhandledRejections],
    ]);
    metric('x_models_loaded', 'gauge', 'Models loaded in the pool.', [['', models.length]]);
    metric('x_model_pool_bytes', 'gauge', 'Bytes of the loaded models (their file sizes).', [
      ['', loadedBytes],
    ]);
    const memory = process.memoryUsage();
    metric('process_resident_memory_bytes', 'gauge', 'Resident set size.', [['', memory.rss]]);
    metric('nodejs_heap_used_bytes', 'gauge', 'V8 heap in use.', [['', memory.heapUsed]]);
    const byStat = new Map<string, Array<[string, number]>>();
    for (const { name, lm } of models) {
      for (const [stat, value] of Object.entries(lmStats(lm))) {
        const samples = byStat.get(stat) ?? [];
        samples.push([`model="${escapeLabel(name)}"`, value]);
        byStat.set(stat, samples);
      }
    }
    for (const [stat, samples] of byStat) metric(`x_lm_${snake(stat)}`, 'gauge', `LM stat ${stat}.`, samples);
    return `${lines.join('\n')}\n`;
  }
}
