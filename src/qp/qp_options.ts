import { resolveTolerance } from '../../dsl/problem/solve_options.js';
import { ValueError } from '../../solvers/errors.js';
import type { SolverStatus } from '../../solvers/status.js';
import { ITERATION_CAPS, checkIntegerInRange, rejectUnknownKeys } from '../options_check.js';

/**
 * What `qp()` does when the interior point method does not reach 'optimal'
 * for some example of a batch ('optimal_inaccurate' counts as failed unless
 * `acceptInaccurate`), or its backward KKT solve fails the residual check.
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

/** What the failure policy did with one example: see `PolicyApplied` of the convex layer. */
export type QpPolicyApplied = 'none' | 'accepted-inaccurate' | 'zero-gradient' | 'best-effort';

/** The forward outcome of one example. */
export interface QpElementReport {
  readonly index: number;
  readonly route: 'qp';
  readonly status: SolverStatus;
  readonly message: string;
  readonly iterations: number;
  readonly policyApplied: QpPolicyApplied;
}

/** The backward outcome of one example. */
export interface QpBackwardElementReport {
  readonly index: number;
  /** 'ok', 'skipped' (no gradient for a rejected example), 'failed' (the linear solve missed its residual check), 'nonfinite'. */
  readonly outcome: 'ok' | 'skipped' | 'failed' | 'nonfinite';
  readonly message: string;
  readonly policyApplied: 'none' | 'zero-gradient' | 'best-effort';
}

/** Per-call backward report handed to `QpLayerOptions.onBackward`. */
export interface QpBackwardReport {
  readonly elements: readonly QpBackwardElementReport[];
  /** Examples whose backward failed and got the policy. */
  readonly failed: readonly number[];
}

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
  /** Per example: status, message, iterations, route and what the policy did. */
  readonly elements: readonly QpElementReport[];
}

/** Options of the differentiable QP (`qp()` and `OptNetLayer`). */
export interface QpLayerOptions {
  /**
   * Interior point stopping tolerance (scaled KKT residual and gap), the
   * simple knob shared with `problem.solve` and `ConvexLayer`; default: the
   * solver's default.
   */
  tol?: number;
  /**
   * Absolute / relative tolerances, accepted for the shared vocabulary: the
   * interior point method has one scaled tolerance, min(epsAbs, epsRel).
   * Giving `tol` with a different value is a ValueError.
   */
  epsAbs?: number;
  /** See `epsAbs`. */
  epsRel?: number;
  /** Interior point iteration limit per example; default: the solver's default. */
  maxIters?: number;
  /** What a non-optimal example does; default `'throw'`. See `QpFailurePolicy`. */
  onSolverFailure?: QpFailurePolicy;
  /** Treat 'optimal_inaccurate' as solved (otherwise it gets the failure policy). Default false. */
  acceptInaccurate?: boolean;
  /** Called after every forward solve with the per-example statuses (for logging); default none. */
  onSolve?: (report: QpSolveReport) => void;
  /** Called after every backward pass with the per-example outcome; default none. */
  onBackward?: (report: QpBackwardReport) => void;
}

/** `QpLayerOptions` with every default applied. */
export interface ResolvedQpLayerOptions {
  readonly tol: number | undefined;
  readonly maxIters: number | undefined;
  readonly onSolverFailure: QpFailurePolicy;
  readonly acceptInaccurate: boolean;
  /** Called after every forward solve with the per-example report (undefined: not called). */
  readonly onSolve: ((report: QpSolveReport) => void) | undefined;
  /** Called after every backward pass with the per-example report (undefined: not called). */
  readonly onBackward: ((report: QpBackwardReport) => void) | undefined;
}

const POLICIES: readonly QpFailurePolicy[] = ['throw', 'zero-gradient', 'best-effort'];

/** The keys `QpLayerOptions` accepts. */
export const QP_LAYER_OPTION_KEYS: readonly string[] = ['tol', 'epsAbs', 'epsRel', 'maxIters', 'onSolverFailure', 'acceptInaccurate', 'onSolve', 'onBackward'];

/**
 * Validates `QpLayerOptions` and fills in defaults: the tolerance (`tol`,
 * or min(`epsAbs`, `epsRel`), each in (0, 1), see `resolveTolerance`) and
 * iteration limit left to the solver (`undefined`; at most
 * `ITERATION_CAPS.qp` = 10000 iterations may be asked for), failure policy
 * `'throw'`, `acceptInaccurate` false. Throws a `ValueError` naming the bad
 * option, or an unknown key.
 */
export function resolveQpLayerOptions(options: QpLayerOptions = {}): ResolvedQpLayerOptions {
  rejectUnknownKeys(options, QP_LAYER_OPTION_KEYS, 'qp option');
  const { maxIters, onSolverFailure = 'throw', acceptInaccurate = false, onSolve, onBackward } = options;
  const { epsAbs, epsRel } = resolveTolerance(options, 'qp option');
  const given = [epsAbs, epsRel].filter((v): v is number => v !== undefined);
  const tol = given.length > 0 ? Math.min(...given) : undefined;
  if (maxIters !== undefined) checkIntegerInRange(maxIters, 1, ITERATION_CAPS.qp, 'qp option maxIters');
  if (typeof acceptInaccurate !== 'boolean') throw new ValueError(`qp option acceptInaccurate must be a boolean, got ${String(acceptInaccurate)}`);
  if (onBackward !== undefined && typeof onBackward !== 'function') throw new ValueError('qp option onBackward must be a function');
  if (!POLICIES.includes(onSolverFailure)) {
    throw new ValueError(`qp option onSolverFailure must be one of ${POLICIES.join(', ')}, got '${String(onSolverFailure)}'`);
  }
  if (onSolve !== undefined && typeof onSolve !== 'function') {
    throw new ValueError('qp option onSolve must be a function');
  }
  return { tol, maxIters, onSolverFailure, acceptInaccurate, onSolve, onBackward };
}
