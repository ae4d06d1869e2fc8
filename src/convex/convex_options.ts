import { SOLVER_CHOICES, type SolverChoice } from '../../dsl/solve/index.js';
import type { ConeDerivativeOptions } from '../../solvers/cone_derivative/cone_derivative_types.js';
import { ValueError } from '../../solvers/errors.js';
import type { QpOptions } from '../../solvers/qp/qp_types.js';
import type { ScsOptions } from '../../solvers/scs/scs_options.js';

/** Which numerical engine solves the compiled cone program (the DSL's `SolverChoice`, shared with `problem.solve`). */
export type ConvexSolverChoice = SolverChoice;

/** What a ConvexLayer does when a batch element's solve does not end `optimal`/`optimal_inaccurate`. */
export type SolverFailurePolicy = 'throw' | 'zero-gradient' | 'best-effort';

/** Options of `ConvexLayer`; every field is optional, `resolveConvexOptions` documents the defaults. */
export interface ConvexLayerOptions {
  /**
   * 'auto' sends problems whose cones are only zero and nonnegative (LPs, QPs)
   * to the batched interior point QP solver and everything else to SCS with
   * the cone-program derivative; 'scs' and 'qp' force a route.
   */
  solver?: ConvexSolverChoice;
  /** Stopping tolerance: SCS epsAbs = epsRel, and the QP solver's scaled KKT tolerance (defaults: 1e-8 SCS, 1e-10 QP). */
  tol?: number;
  /** Iteration limit per batch element (SCS or QP). */
  maxIters?: number;
  /** Start each SCS solve from the previous call's solution in the same batch slot. */
  warmStart?: boolean;
  /** What to do with a batch element whose solve failed. */
  onSolverFailure?: SolverFailurePolicy;
  /** Further SCS settings (overridden by `tol`/`maxIters` when those are given). */
  scs?: ScsOptions;
  /** Further QP settings (overridden by `tol`/`maxIters` when those are given). */
  qp?: QpOptions;
  /** Settings of the linear solve in the cone-program derivative (SCS route). */
  derivative?: ConeDerivativeOptions;
}

/** `ConvexLayerOptions` with every field decided. */
export interface ResolvedConvexOptions {
  readonly solver: ConvexSolverChoice;
  readonly warmStart: boolean;
  readonly onSolverFailure: SolverFailurePolicy;
  readonly scs: ScsOptions;
  readonly qp: QpOptions;
  readonly derivative: ConeDerivativeOptions;
}

const SOLVERS: readonly ConvexSolverChoice[] = SOLVER_CHOICES;
const POLICIES: readonly SolverFailurePolicy[] = ['throw', 'zero-gradient', 'best-effort'];
const KNOWN = new Set(['solver', 'tol', 'maxIters', 'warmStart', 'onSolverFailure', 'scs', 'qp', 'derivative']);

/**
 * Fills the defaults of a ConvexLayer and validates every option, throwing a
 * `ValueError` naming the bad one:
 * - `solver` 'auto';
 * - `tol`: when set it applies to both routes; unset, SCS keeps its own
 *   default (epsAbs = epsRel = 1e-8) and the QP route uses a scaled KKT
 *   residual of 1e-10 (tighter than the QP solver's 1e-9, for accurate gradients);
 * - `maxIters`: unset keeps each solver's default (SCS 100000, QP 50);
 * - `warmStart` false (SCS route only; the interior point method does not warm start);
 * - `onSolverFailure` 'throw' (a `SolverError` naming the batch index and status);
 * - `scs`, `qp`, `derivative`: passed through to the solvers, whose own
 *   resolvers validate them.
 */
export function resolveConvexOptions(options: ConvexLayerOptions = {}): ResolvedConvexOptions {
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) throw new ValueError(`unknown ConvexLayer option '${key}'`);
  }
  const solver = options.solver ?? 'auto';
  if (!SOLVERS.includes(solver)) throw new ValueError(`ConvexLayer option solver must be one of ${SOLVERS.join(', ')}, got '${String(solver)}'`);
  const policy = options.onSolverFailure ?? 'throw';
  if (!POLICIES.includes(policy)) {
    throw new ValueError(`ConvexLayer option onSolverFailure must be one of ${POLICIES.join(', ')}, got '${String(policy)}'`);
  }
  const { tol, maxIters } = options;
  if (tol !== undefined && !(typeof tol === 'number' && tol > 0 && Number.isFinite(tol))) {
    throw new ValueError(`ConvexLayer option tol must be a positive finite number, got ${String(tol)}`);
  }
  if (maxIters !== undefined && !(Number.isInteger(maxIters) && maxIters >= 1)) {
    throw new ValueError(`ConvexLayer option maxIters must be a positive integer, got ${String(maxIters)}`);
  }
  const warmStart = options.warmStart ?? false;
  if (typeof warmStart !== 'boolean') throw new ValueError(`ConvexLayer option warmStart must be a boolean, got ${String(warmStart)}`);
  const scs: ScsOptions = { ...options.scs };
  const qp: QpOptions = { ...options.qp };
  if (tol !== undefined) {
    scs.epsAbs = tol;
    scs.epsRel = tol;
    qp.tol = tol;
    if (qp.tolInaccurate !== undefined && qp.tolInaccurate < tol) qp.tolInaccurate = tol;
    else if (qp.tolInaccurate === undefined && tol > 1e-5) qp.tolInaccurate = tol;
  }
  // The implicit-differentiation backward is only as accurate as the solve:
  // at the QP solver's own default (1e-9) gradients of a 128-variable QP are
  // off by ~1e-5 relative, at 1e-10 by ~1e-8, for one or two more iterations.
  if (tol === undefined && qp.tol === undefined) qp.tol = 1e-10;
  if (maxIters !== undefined) {
    scs.maxIters = maxIters;
    qp.maxIters = maxIters;
  }
  return { solver, warmStart, onSolverFailure: policy, scs, qp, derivative: { ...options.derivative } };
}
