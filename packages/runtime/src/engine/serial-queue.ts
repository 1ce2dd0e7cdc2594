/** Runs async tasks one at a time, in call order; a task that fails does not stop the ones after it. */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** Settles (never rejects) once every task queued so far has settled. */
  async idle(): Promise<void> {
    await this.tail;
  }
}
