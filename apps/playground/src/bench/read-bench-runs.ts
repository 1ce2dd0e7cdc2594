import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { BenchDataError } from './bench-data-error.js';
import { type BenchRun, benchRunSchema } from './bench-run-schema.js';

export interface BenchRunFile extends BenchRun {
  /** The file's name, as shown on the page. */
  file: string;
}

export interface BenchRuns {
  /** Oldest first. */
  runs: BenchRunFile[];
  /** Files that could not be read; the rest are still plotted. */
  problems: BenchDataError[];
}

/** Parses one results file's text; a BenchDataError names the file and the first bad field. */
export function parseBenchRun(text: string, file: string): BenchRunFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new BenchDataError(`not JSON (${(cause as Error).message})`, { file, cause });
  }
  const parsed = benchRunSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.map(String).join('.') || 'the top level';
    throw new BenchDataError(`${where}: ${issue.message}`, { file });
  }
  return { ...parsed.data, file: path.basename(file) };
}

/**
 * Every `*.json` results file in a folder (or one file), sorted by run date. A missing folder is
 * an empty history, not an error: no benchmark has been run yet.
 */
export function readBenchRuns(source: string): BenchRuns {
  let files: string[];
  try {
    files = statSync(source).isDirectory()
      ? readdirSync(source, { withFileTypes: true })
          .filter((entry) => entry.isFile() && entry.name.endsWith('.json'))
          .map((entry) => path.join(source, entry.name))
          .sort()
      : [source];
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { runs: [], problems: [] };
    throw error;
  }
  const runs: BenchRunFile[] = [];
  const problems: BenchDataError[] = [];
  for (const file of files) {
    try {
      runs.push(parseBenchRun(readFileSync(file, 'utf8'), file));
    } catch (error) {
      if (!BenchDataError.isInstance(error)) throw error;
      problems.push(error);
    }
  }
  runs.sort((a, b) => Date.parse(a.date) - Date.parse(b.date));
  return { runs, problems };
}
