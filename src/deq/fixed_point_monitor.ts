import * as tf from '@tensorflow/tfjs';
import { SolverError } from '../../solvers/errors.js';
import { STATUS_MESSAGES, type SolverStatus } from '../../solvers/status.js';
import type { FixedPointSolverName, ResolvedFixedPointOptions } from './deq_options.js';

/** Per-call statistics of a batched fixed-point solve. */
export interface FixedPointStats {
  /** The solver that ran. */
  readonly solver: FixedPointSolverName;
  /** Evaluations of the map g (loop iterations). */
  readonly iterations: number;
  /** Per sample: absolute residual ||g(z) - z||_2 of the returned iterate. */
  readonly residual: Float64Array;
  /** Per sample: relative residual ||g(z) - z|| / (||g(z)|| + 1e-12) of the returned iterate. */
  readonly relativeResidual: Float64Array;
  /** Per sample: the iteration at which it met the tolerance, or -1 if it never did. */
  readonly convergedAt: Int32Array;
  /** True when every sample met its tolerance. */
  readonly converged: boolean;
  /** `optimal` (all converged), `max_iters`, or `nonfinite` (NaN/Inf met in some sample; best finite iterate returned). */
  readonly status: SolverStatus;
  /**
   * Per sample: `optimal` (met its tolerance), `max_iters`, or `nonfinite`
   * (its residual became NaN/Inf: that sample stops counting, the others go
   * on; its best finite iterate is returned). Samples never mix: every
   * solver's step is row-wise (Anderson's mixing weights and Broyden's
   * low-rank updates are per sample).
   */
  readonly statuses: readonly SolverStatus[];
  /** Per sample: what the caller's failure policy did ('none' unless a DEQ/monDEQ layer applied one). */
  readonly policyApplied: readonly ('none' | 'zero-gradient' | 'best-effort')[];
}

/** Result of a fixed-point solve: the lowest-residual iterate per sample and statistics. */
export interface FixedPointResult {
  readonly z: tf.Tensor2D;
  readonly stats: FixedPointStats;
}

/** The map whose fixed point z = g(z) is sought; must not dispose its argument. */
export type FixedPointMap = (z: tf.Tensor2D) => tf.Tensor2D;

/** Absolute and relative per-sample residuals of iterate z with image gz. */
export function residualNorms(z: tf.Tensor2D, gz: tf.Tensor2D): { abs: Float32Array; rel: Float32Array } {
  const both = tf.tidy(() => {
    const abs = tf.norm(tf.sub(gz, z), 'euclidean', 1);
    const rel = tf.div(abs, tf.add(tf.norm(gz, 'euclidean', 1), 1e-12));
    return tf.stack([abs, rel]);
  });
  const data = both.dataSync() as Float32Array;
  both.dispose();
  const b = z.shape[0];
  return { abs: data.slice(0, b), rel: data.slice(b, 2 * b) };
}

/**
 * Tracks, per sample, the lowest-residual iterate seen so far and whether the
 * tolerance was met, so that every solver ends the same way: it returns the
 * best iterate (never the last one blindly) and says why it stopped.
 * Holds exactly one tensor (the best iterate) whatever the iteration count.
 */
export class FixedPointMonitor {
  private best: tf.Tensor2D | undefined;
  private readonly bestAbs: Float64Array;
  private readonly bestRel: Float64Array;
  private readonly convergedAt: Int32Array;
  /** Per sample: true once its residual was NaN/Inf (it is then done, as failed). */
  private readonly diverged: Uint8Array;
  private iterations = 0;

  constructor(
    private readonly solver: FixedPointSolverName,
    private readonly options: ResolvedFixedPointOptions,
    private readonly batch: number,
  ) {
    this.bestAbs = new Float64Array(batch).fill(Infinity);
    this.bestRel = new Float64Array(batch).fill(Infinity);
    this.convergedAt = new Int32Array(batch).fill(-1);
    this.diverged = new Uint8Array(batch);
  }

  /**
   * Records iterate z with image gz = g(z). Returns true when the loop should
   * stop: every sample either converged or went non-finite (a NaN/Inf in one
   * sample ends that sample only, never the batch).
   */
  record(z: tf.Tensor2D, gz: tf.Tensor2D): boolean {
    this.iterations++;
    const { abs, rel } = residualNorms(z, gz);
    const improved = new Array<number>(this.batch).fill(0);
    let any = false;
    let all = true;
    for (let i = 0; i < this.batch; i++) {
      const a = abs[i]!;
      if (this.diverged[i]) continue;
      if (!Number.isFinite(a) || !Number.isFinite(rel[i]!)) {
        if (this.convergedAt[i]! < 0) this.diverged[i] = 1;
        continue;
      } else if (a < this.bestAbs[i]! && this.convergedAt[i]! < 0) {
        improved[i] = 1;
        any = true;
        this.bestAbs[i] = a;
        this.bestRel[i] = rel[i]!;
        if (a <= this.options.absTol || rel[i]! <= this.options.relTol) this.convergedAt[i] = this.iterations;
      }
      if (this.convergedAt[i]! < 0 && !this.diverged[i]) all = false;
    }
    if (this.best === undefined) {
      this.best = tf.keep(tf.clone(z));
    } else if (any) {
      const prev = this.best;
      this.best = tf.keep(tf.tidy(() => tf.where(tf.tensor1d(improved, 'bool').expandDims(1).tile([1, z.shape[1]]), z, prev)) as tf.Tensor2D);
      prev.dispose();
    }
    return all;
  }

  /** True when every sample met its tolerance. */
  get allConverged(): boolean {
    return this.convergedAt.every((k) => k >= 0);
  }

  /** Ends the solve: returns the best iterates and statistics; throws if asked to on failure. */
  finish(): FixedPointResult {
    if (this.best === undefined) throw new SolverError('fixed-point solve ended before any iteration', 'max_iters');
    const converged = this.allConverged;
    const statuses: SolverStatus[] = [];
    for (let i = 0; i < this.batch; i++) {
      statuses.push(this.convergedAt[i]! >= 0 ? 'optimal' : this.diverged[i] || !Number.isFinite(this.bestAbs[i]!) ? 'nonfinite' : 'max_iters');
    }
    const nonFinite = statuses.includes('nonfinite');
    const status: SolverStatus = converged ? 'optimal' : nonFinite ? 'nonfinite' : 'max_iters';
    const stats: FixedPointStats = {
      statuses,
      policyApplied: statuses.map(() => 'none' as const),
      solver: this.solver,
      iterations: this.iterations,
      residual: this.bestAbs,
      relativeResidual: this.bestRel,
      convergedAt: this.convergedAt,
      converged,
      status,
    };
    if (!converged && this.options.throwOnFailure) {
      this.best.dispose();
      throw new SolverError(describeFailure(stats, this.options), status, firstUnconverged(stats));
    }
    // `best` is kept (it must survive the solvers' inner tidies); hand back an
    // ordinary tensor so the caller's tidy scope owns it.
    const z = tf.clone(this.best);
    this.best.dispose();
    return { z, stats };
  }
}

function firstUnconverged(stats: FixedPointStats): number {
  return stats.convergedAt.findIndex((k) => k < 0);
}

/** A one-line account of a failed solve, naming the worst sample. */
export function describeFailure(stats: FixedPointStats, options: ResolvedFixedPointOptions): string {
  let worst = 0;
  for (let i = 1; i < stats.residual.length; i++) if (!(stats.residual[i]! <= stats.residual[worst]!)) worst = i;
  const failed = stats.convergedAt.filter((k) => k < 0).length;
  return (
    `${stats.solver} fixed-point solve: ${STATUS_MESSAGES[stats.status]} (${stats.status}) after ${stats.iterations} iterations; ` +
    `${failed} of ${stats.residual.length} samples unconverged; worst sample ${worst} has residual ` +
    `${stats.residual[worst]} (relative ${stats.relativeResidual[worst]}) vs absTol ${options.absTol} / relTol ${options.relTol}`
  );
}
