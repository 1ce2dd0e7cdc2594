import type { Example } from '../modules/example.js';
import type { Prediction } from '../modules/prediction.js';

type Values = Record<string, unknown>;

/** One evaluated example: the prediction (absent when the call failed), its score and any error. */
export interface EvaluationRow {
  example: Example;
  prediction: Prediction | undefined;
  score: number;
  error?: unknown;
}

/**
 * The flat records DSPy's Evaluate writes to its table and JSON file (`_prepare_results_output`):
 * example and prediction fields merged, a key in both becoming `example_<key>` and `pred_<key>`, then
 * the score under the metric's name. A failed row also gets `error` (its message).
 */
export function resultRecords(rows: readonly EvaluationRow[], metricName: string): Values[] {
  return rows.map((row) => {
    const record = mergeRecords(row.example, row.prediction ?? {});
    record[metricName] = row.score;
    if (row.error !== undefined) record.error = errorMessage(row.error);
    return record;
  });
}

function mergeRecords(example: Values, prediction: Values): Values {
  const merged: Values = {};
  for (const [key, value] of Object.entries(example))
    merged[Object.hasOwn(prediction, key) ? `example_${key}` : key] = value;
  for (const [key, value] of Object.entries(prediction))
    merged[Object.hasOwn(example, key) ? `pred_${key}` : key] = value;
  return merged;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
