import type { BenchMedian, BenchRun } from './bench-run-schema.js';

/** Our engine's name in `pnpm bench` results; every other engine is a peer. */
export const ourEngine = 'x candle-native';

export const benchMetrics = [
  { key: 'decodeTokensPerSecond', id: 'decode', title: 'Decode tok/s', better: 'higher' },
  { key: 'prefillTokensPerSecond', id: 'prefill', title: 'Prefill tok/s', better: 'higher' },
  { key: 'ttftMs', id: 'ttft', title: 'Time to first token', better: 'lower' },
] as const satisfies readonly { key: keyof BenchMedian; id: string; title: string; better: string }[];

export type BenchMetric = (typeof benchMetrics)[number];

export interface CaseRatio {
  case: string;
  peer: string;
  /** Our median over the peer's, per metric id. */
  ratios: Record<BenchMetric['id'], number>;
}

/** Per case, in the run's order: our medians over the peer's, for the cases that have both engines. */
export function benchRatios(run: BenchRun): CaseRatio[] {
  const cases = [...new Set(run.results.map((result) => result.case))];
  return cases.flatMap((name) => {
    const rows = run.results.filter((result) => result.case === name);
    const ours = rows.find((result) => result.engine === ourEngine);
    const peer = rows.find((result) => result.engine !== ourEngine);
    if (!ours || !peer) return [];
    const ratio = (key: BenchMetric['key']) => ours.median[key] / peer.median[key];
    return [
      {
        case: name,
        peer: peer.engine,
        ratios: Object.fromEntries(
          benchMetrics.map((metric) => [metric.id, ratio(metric.key)]),
        ) as CaseRatio['ratios'],
      },
    ];
  });
}
