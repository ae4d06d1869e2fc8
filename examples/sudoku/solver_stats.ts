import type { QpSolveReport } from 'optlayers';

/** Interior point statistics of the OptNet model's solves, reset every epoch. */
export class SolverStats {
  private examples = 0;
  private iterations = 0;
  private maxIterations = 0;
  private failed = 0;

  add(report: QpSolveReport): void {
    this.examples += report.batch;
    for (const it of report.iterations) {
      this.iterations += it;
      this.maxIterations = Math.max(this.maxIterations, it);
    }
    this.failed += report.failed.length;
  }

  summary(): string {
    const mean = this.examples > 0 ? this.iterations / this.examples : 0;
    return `${mean.toFixed(1)} iterations/solve (max ${this.maxIterations}), ${this.failed} of ${this.examples} solves failed`;
  }

  reset(): void {
    this.examples = this.iterations = this.maxIterations = this.failed = 0;
  }
}
