import { type ProgressLineParts, progressLine } from './progress-line.js';

/** Where a progress bar writes: a terminal stream such as `process.stderr`. */
export interface ProgressStream {
  readonly isTTY?: boolean;
  /** The terminal's width; 80 when unknown. */
  readonly columns?: number;
  write(text: string): unknown;
}

export interface ProgressBarOptions {
  /** Default: `process.stderr` where there is one; null: no bar. It draws only on a TTY. */
  stream?: ProgressStream | null;
  /** Least time between two redraws (default 100 ms); the last frame always draws. */
  intervalMs?: number;
  now?: () => number;
}

/**
 * One terminal line redrawn in place for long work (downloads, model synthesis and conversion,
 * evaluation). Draws nothing unless its stream is a TTY, so logs and pipes stay clean, and redraws
 * at most once per `intervalMs` so that a tight loop does not flood the terminal.
 */
export class ProgressBar {
  private readonly stream: ProgressStream | undefined;
  private readonly intervalMs: number;
  private readonly now: () => number;
  private lastDraw = Number.NEGATIVE_INFINITY;
  private drawn = false;
  private pending: ProgressLineParts | undefined;

  constructor(options: ProgressBarOptions = {}) {
    const stream = options.stream === undefined ? defaultStream() : options.stream;
    this.stream = stream?.isTTY ? stream : undefined;
    this.intervalMs = options.intervalMs ?? 100;
    this.now = options.now ?? (() => Date.now());
  }

  /** False when the stream is not a terminal: callers may skip computing what they would show. */
  get active(): boolean {
    return this.stream !== undefined;
  }

  /** Shows `parts`, now or at the next update after the interval; a finished count draws at once. */
  update(parts: ProgressLineParts): void {
    if (this.stream === undefined) return;
    const time = this.now();
    if (time - this.lastDraw < this.intervalMs && parts.done < parts.total) {
      this.pending = parts;
      return;
    }
    this.draw(parts, time);
  }

  /** Draws the last frame (or `parts`) and ends the line. */
  finish(parts?: ProgressLineParts): void {
    if (this.stream === undefined) return;
    const last = parts ?? this.pending;
    if (last !== undefined) this.draw(last, this.now());
    if (this.drawn) this.stream.write('\n');
    this.drawn = false;
  }

  private draw(parts: ProgressLineParts, time: number): void {
    const stream = this.stream as ProgressStream;
    this.lastDraw = time;
    this.pending = undefined;
    this.drawn = true;
    stream.write(`\r\x1b[2K${progressLine(parts, stream.columns ?? 80)}`);
  }
}

function defaultStream(): ProgressStream | undefined {
  return (globalThis as { process?: { stderr?: ProgressStream } }).process?.stderr;
}
