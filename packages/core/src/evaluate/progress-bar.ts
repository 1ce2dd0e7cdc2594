/** Where a progress bar writes: a terminal stream such as `process.stderr`. */
export interface ProgressStream {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

/**
 * One line redrawn in place ("Average Metric: 3.00 / 4 (75.0%) ████░░ 4/10"), as DSPy's tqdm bar
 * shows it. Writes nothing unless the stream is a TTY, so logs and pipes stay clean.
 */
export class ProgressBar {
  private readonly stream: ProgressStream | undefined;
  private readonly total: number;
  private readonly width: number;

  constructor(stream: ProgressStream | undefined, total: number, width = 20) {
    this.stream = stream?.isTTY ? stream : undefined;
    this.total = total;
    this.width = width;
  }

  get active(): boolean {
    return this.stream !== undefined;
  }

  update(done: number, scoreSum: number): void {
    this.stream?.write(`\r${progressLine(done, this.total, scoreSum, this.width)}`);
  }

  finish(): void {
    this.stream?.write('\n');
  }
}

/** The bar's text after `done` of `total` examples whose scores add up to `scoreSum`. */
export function progressLine(done: number, total: number, scoreSum: number, width = 20): string {
  const filled = total === 0 ? width : Math.round((done / total) * width);
  const percent = done === 0 ? 0 : (100 * scoreSum) / done;
  return (
    `Average Metric: ${scoreSum.toFixed(2)} / ${done} (${percent.toFixed(1)}%) ` +
    `${'█'.repeat(filled)}${'░'.repeat(width - filled)} ${done}/${total}`
  );
}
