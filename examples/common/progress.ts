/**
 * A one-line progress bar for long example runs. Redraws in place on a TTY and
 * prints a line every ~10% otherwise (so CI logs stay short).
 */
export class ProgressBar {
  private lastPrintedDecile = -1;
  private readonly start = performance.now();

  constructor(
    private readonly total: number,
    private readonly label: string,
    private readonly width = 28,
  ) {}

  /** Updates the bar to `done` of `total`; `extra` is appended (e.g. the running loss). */
  update(done: number, extra = ''): void {
    const frac = this.total > 0 ? Math.min(1, done / this.total) : 1;
    const elapsed = (performance.now() - this.start) / 1000;
    const eta = frac > 0 ? (elapsed * (1 - frac)) / frac : 0;
    const filled = Math.round(frac * this.width);
    const line = `${this.label} [${'#'.repeat(filled)}${'.'.repeat(this.width - filled)}] ${done}/${this.total} ${elapsed.toFixed(1)}s eta ${eta.toFixed(1)}s ${extra}`;
    if (process.stdout.isTTY) {
      process.stdout.write(`\r${line}\x1b[K`);
      if (done >= this.total) process.stdout.write('\n');
    } else {
      const decile = Math.floor(frac * 10);
      if (decile !== this.lastPrintedDecile) {
        this.lastPrintedDecile = decile;
        console.log(line);
      }
    }
  }
}

/** One progress event of a multi-stage run: a stage name, how far it is, and a short detail. */
export interface StageProgressEvent {
  readonly stage: string;
  readonly done: number;
  readonly total: number;
  readonly detail: string;
}

/** A progress reporter that keeps one bar per stage name, created on the stage's first event. */
export function stageProgressBars(): (e: StageProgressEvent) => void {
  const bars = new Map<string, ProgressBar>();
  return (e) => {
    let bar = bars.get(e.stage);
    if (bar === undefined) {
      bar = new ProgressBar(e.total, e.stage);
      bars.set(e.stage, bar);
    }
    bar.update(e.done, e.detail);
  };
}
