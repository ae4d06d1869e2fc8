import { ValueError } from '../../solvers/errors.js';
import type { SolverStatus } from '../../solvers/status.js';

/**
 * What `qp()` does when the interior point method does not reach an optimal
 * (or optimal_inaccurate) status for some example of a batch.
 *
 * - `'throw'`: throw a `SolverError` naming the first failed batch index and
 *   its status (the default: a failed solve must never reach the loss).
 * - `'zero-gradient'`: the failed example's output is zeros and it
 *   contributes nothing to any gradient.
 * - `'best-effort'`: the failed example's output is the solver's best
 *   iterate, and its gradient is whatever the solver's backward pass gives
 *   for it (`solvers/qp` gives zero for unsolved examples); an iterate with
 *   NaN/Inf entries falls back to `'zero-gradient'`.
 * Either way no NaN reaches the output or the gradients.
 */
export type QpFailurePolicy = 'throw' | 'zero-gradient' | 'best-effort';

/** Per-call solver report handed to `QpLayerOptions.onSolve`. */
export interface QpSolveReport {
  /** Batch size of the solve (1 when no argument had a batch dimension). */
  readonly batch: number;
  /** Per-example status. */
  readonly status: readonly SolverStatus[];
  /** Per-example interior point iterations. */
  readonly iterations: Int32Array;
  /** Per-example max-norm KKT residual. */
  readonly kktResidual: Float64Array;
  /** Batch indices treated as failed under the failure policy. */
  readonly failed: readonly number[];
}

/** Options of the differentiable QP (`qp()` and `OptNetLayer`). */
export interface QpLayerOptions {
  /** Interior point stopping tolerance (scaled KKT residual and gap); default: the solver's default. */
  tol?: number;
  /** Interior point iteration limit per example; default: the solver's default. */
  maxIters?: number;
  /** What a non-optimal example does; default `'throw'`. See `QpFailurePolicy`. */
  onSolverFailure?: QpFailurePolicy;
  /** Called after every forward solve with the per-example statuses (for logging); default none. */
  onSolve?: (report: QpSolveReport) => void;
}

/** `QpLayerOptions` with every default applied. */
export interface ResolvedQpLayerOptions {
  readonly tol: number | undefined;
  readonly maxIters: number | undefined;
  readonly onSolverFailure: QpFailurePolicy;
  readonly onSolve: ((report: QpSolveReport) => void) | undefined;
}

const POLICIES: readonly QpFailurePolicy[] = ['throw', 'zero-gradient', 'best-effort'];

/**
 * Validates `QpLayerOptions` and fills in defaults: solver tolerance and
 * iteration limit left to the solver (`undefined`), failure policy `'throw'`.
 * Throws a `ValueError` naming the bad option.
 */
export function resolveQpLayerOptions(options: QpLayerOptions = {}): ResolvedQpLayerOptions {
  const { tol, maxIters, onSolverFailure = 'throw', onSolve } = options;
  if (tol !== undefined && !(Number.isFinite(tol) && tol > 0)) {
    throw new ValueError(`qp option tol must be a positive finite number, got ${tol}`);
  }
  if (maxIters !== undefined && !(Number.isInteger(maxIters) && maxIters > 0)) {
    throw new ValueError(`qp option maxIters must be a positive integer, got ${maxIters}`);
  }
  if (!POLICIES.includes(onSolverFailure)) {
    throw new ValueError(`qp option onSolverFailure must be one of ${POLICIES.join(', ')}, got '${String(onSolverFailure)}'`);
  }
  if (onSolve !== undefined && typeof onSolve !== 'function') {
    throw new ValueError('qp option onSolve must be a function');
  }
  return { tol, maxIters, onSolverFailure, onSolve };
}
