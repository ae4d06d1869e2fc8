/**
 * The outcome of a numerical solve. Every solver in `solvers/` reports one of
 * these; a loop never ends without saying why.
 */
export type SolverStatus =
  | 'optimal'
  | 'optimal_inaccurate'
  | 'infeasible'
  | 'infeasible_inaccurate'
  | 'unbounded'
  | 'unbounded_inaccurate'
  | 'max_iters'
  | 'singular'
  | 'nonfinite'
  | 'numerical_error';

/** One sentence per status, suitable for an error message. */
export const STATUS_MESSAGES: Readonly<Record<SolverStatus, string>> = {
  optimal: 'solved to the requested tolerance',
  optimal_inaccurate: 'stopped near a solution but short of the requested tolerance',
  infeasible: 'the problem is infeasible (a certificate of primal infeasibility was found)',
  infeasible_inaccurate: 'the problem is probably infeasible (inaccurate certificate)',
  unbounded: 'the problem is unbounded (a certificate of dual infeasibility was found)',
  unbounded_inaccurate: 'the problem is probably unbounded (inaccurate certificate)',
  max_iters: 'the iteration limit was reached before convergence',
  singular: 'a linear system was numerically singular',
  nonfinite: 'a NaN or infinite value appeared during the solve',
  // Appended last: solvers/qp encodes statuses by their index in this table.
  numerical_error: 'the solver failed numerically (a WebAssembly trap, or a returned point that failed an independent check of the constraints)',
};

/**
 * How a returned point was checked, on the unscaled data of
 *   minimize 1/2 x'Px + c'x  s.t.  Ax + s = b,  s in K   (dual: Px + A'y + c = 0, y in K*):
 * relative residuals, row by row, against scales bounded by the data's norms
 * (they cannot grow with a diverging iterate), and the thresholds that
 * decided the status. Definitions in `coneResiduals` (solvers/cones).
 */
export interface SolutionCheck {
  /** max_i |Ax + s - b|_i / (1 + |b_i| + min((|A||x|)_i, ||b||_inf)), with s projected onto K. */
  readonly primal: number;
  /** max_j |Px + A'y + c|_j / (1 + |c_j| + min((|P||x| + |A'||y|)_j, ||c||_inf)), with y projected onto K*. */
  readonly dual: number;
  /** |x'Px + c'x + b'y| / (1 + |pobj| + |dobj| + |x'Px| + sum|c_j x_j| + sum|b_i y_i|). */
  readonly gap: number;
  /** Threshold of 'optimal' (all three residuals at most this, plus a rounding allowance; SCS: `optimalTolerance`). */
  readonly tolerance: number;
  /** Threshold of 'optimal_inaccurate'. */
  readonly inaccurateTolerance: number;
  /** Scale-invariant measure of a checked infeasibility/unboundedness certificate (absent when none was checked). */
  readonly certificate?: number;
}

/** True for the statuses whose primal/dual point may be used as a solution. */
export function isSolved(status: SolverStatus): boolean {
  return status === 'optimal' || status === 'optimal_inaccurate';
}
