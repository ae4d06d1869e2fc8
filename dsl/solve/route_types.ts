import type { CompiledProblem, DataGradient } from '../compiled_problem.js';
import type { SolutionCheck, SolverStatus } from '../../solvers/status.js';

/** The engines a compiled problem can be routed to (by `problem.solve` and `ConvexLayer`). */
export type ConvexRoute = 'scs' | 'qp';

/** One batch solved by a route: the solver's primal x and conic dual y per slot, before recovery. */
export interface RouteSolution {
  /** Per slot, the solver's x (length compiled.n); may hold NaN when the solve failed. */
  readonly x: readonly Float64Array[];
  /** Per slot, the conic dual y (length compiled.m), in the convention P x + c + A'y = 0. */
  readonly y: readonly Float64Array[];
  readonly statuses: readonly SolverStatus[];
  readonly iterations: readonly number[];
  /** Per slot, a sentence saying how the solve went. */
  readonly messages: readonly string[];
  /**
   * Per slot, the residuals and thresholds that decided the status, checked on
   * the unscaled data (SCS route; a route without such a check omits it).
   * `optimal_inaccurate` means these residuals are within `inaccurateTolerance`.
   */
  readonly checks?: readonly (SolutionCheck | undefined)[];
  /**
   * Vector-Jacobian product to the cone-program data of each slot: given
   * dl/dx and dl/dy per slot (null: that slot takes no gradient), returns
   * dl/d(A, b, c[, P]) per slot (null for skipped slots). Throws
   * `SolverError` (with the batch index) when a derivative cannot be computed.
   */
  dataGradients(dx: readonly (Float64Array | null)[], dy: readonly (Float64Array | null)[]): (DataGradient | null)[];
}

/** A numerical engine bound to one compiled problem. */
export interface RouteSolver {
  readonly route: ConvexRoute;
  readonly compiled: CompiledProblem;
  /** True when gradients with respect to the conic duals y are available. */
  readonly dualGradients: boolean;
  /** Solves the problems with parameter vectors thetas (batch x thetaSize, row-major). */
  solve(thetas: Float64Array, batch: number): RouteSolution;
}
