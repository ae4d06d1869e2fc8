import type { SolverStatus } from '../../../solvers/status.js';
import type { FixedPointStats } from '../fixed_point_monitor.js';

/** Status of an input optimization: `optimal`, `max_iters` (stopped unconverged), `nonfinite` (NaN/Inf met). */
export type InputOptimizationStatus = Extract<SolverStatus, 'optimal' | 'max_iters' | 'nonfinite'>;

/** What both input-optimization methods report (per-sample arrays are over the batch). */
export interface InputOptimizationStats {
  /** `optimal` when every sample converged; `nonfinite` when some sample met NaN/Inf; else `max_iters`. */
  readonly status: InputOptimizationStatus;
  /**
   * Per sample: `optimal` (met the tolerance at the returned point),
   * `nonfinite` (its values became NaN/Inf: the solve stopped and returned the
   * last finite iterate), or `max_iters` (not converged when the solve stopped).
   */
  readonly statuses: readonly InputOptimizationStatus[];
  /** Iterations run (joint: augmented-map evaluations; naive: gradient steps, each a full forward and backward DEQ solve). */
  readonly iterations: number;
  /** Per sample: L(z, x) at the returned point. */
  readonly objective: Float64Array;
  /** Per iteration: the batch mean of L at the evaluated iterate. */
  readonly objectiveTrace: readonly number[];
  /** Per iteration: milliseconds since the start of the call when that iterate was evaluated. */
  readonly timeTraceMs: readonly number[];
  /** Wall time of the whole call in milliseconds. */
  readonly wallTimeMs: number;
  /** A one-line account of the outcome, naming the worst sample when not optimal. */
  readonly message: string;
}

/** Per-sample block residuals of the joint state at the returned point (see `JointInputOptions`). */
export interface JointResiduals {
  /** ||f(z, x) - z||. */
  readonly z: Float64Array;
  /** ||(df/dz)' u + dL/dz - u||. */
  readonly u: Float64Array;
  /** ||x - Proj(x - a g)|| / a, the projected-gradient norm. */
  readonly x: Float64Array;
}

/** Statistics of `jointInputOptimization`. */
export interface JointStats extends InputOptimizationStats {
  readonly residuals: JointResiduals;
}

/** Statistics of `naiveInputOptimization`. */
export interface NaiveStats extends InputOptimizationStats {
  /** Per sample: the projected-gradient norm ||x - Proj(x - a g)|| / a at the returned point. */
  readonly gradientMapNorm: Float64Array;
  /** Per sample: the forward DEQ solve's status at the returned point (a gradient is only as good as its equilibrium). */
  readonly forwardStatuses: readonly SolverStatus[];
  /** Sum over steps of forward-solver iterations. */
  readonly forwardIterations: number;
  /** Sum over steps of implicit-backward-solver iterations. */
  readonly backwardIterations: number;
  /** Statistics of the last step's forward solve. */
  readonly lastForward: FixedPointStats | undefined;
}

/** Overall status from per-sample ones. */
export function overallStatus(statuses: readonly InputOptimizationStatus[]): InputOptimizationStatus {
  if (statuses.every((s) => s === 'optimal')) return 'optimal';
  return statuses.includes('nonfinite') ? 'nonfinite' : 'max_iters';
}
