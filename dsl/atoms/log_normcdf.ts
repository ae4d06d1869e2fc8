import { type ExprLike, type Expression, toExpression } from '../expr/expression.js';
import { NONPOS, type Sign } from '../expr/sign.js';
import { ElementwiseAtom } from './elementwise_atom.js';

/**
 * Breakpoints b_k and weights w_k of CVXPY's quadratic approximation of
 * log Phi(x) (CVXPY PR #1224; modest accuracy on [-4, 4]):
 *   log Phi(x) ~ -sum_k w_k max(b_k - x, 0)^2.
 */
export const LOG_NORMCDF_BREAKPOINTS: readonly number[] = [3.0, 2.0, 1.0, 0.0, -1.0, -2.5, -3.5];
export const LOG_NORMCDF_WEIGHTS: readonly number[] = [0.02301291, 0.08070214, 0.16411522, 0.09003495, 0.08200854, 0.01371543, 0.04641081];

/**
 * Entrywise log of the standard normal CDF, *as CVXPY's quadratic
 * approximation* -sum_k w_k max(b_k - x, 0)^2 (the value reported is the
 * approximation's, so the model and its value agree). Concave, increasing,
 * nonpositive.
 */
export class LogNormcdf extends ElementwiseAtom {
  readonly atomName = 'logNormcdf';
  curvatureType() {
    return 'concave' as const;
  }
  monotonicity() {
    return 'increasing' as const;
  }
  sign(): Sign {
    return NONPOS;
  }
  protected scalar(x: number) {
    let s = 0;
    LOG_NORMCDF_BREAKPOINTS.forEach((b, k) => {
      const r = Math.max(b - x, 0);
      s -= LOG_NORMCDF_WEIGHTS[k]! * r * r;
    });
    return s;
  }
}

/** CVXPY's quadratic approximation of log(Phi(x)), entrywise. */
export function logNormcdf(x: ExprLike): Expression {
  return new LogNormcdf(toExpression(x, 'logNormcdf argument'));
}
