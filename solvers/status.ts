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
  | 'nonfinite';

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
};

/** True for the statuses whose primal/dual point may be used as a solution. */
export function isSolved(status: SolverStatus): boolean {
  return status === 'optimal' || status === 'optimal_inaccurate';
}
