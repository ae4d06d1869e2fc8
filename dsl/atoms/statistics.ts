import { type ExprLike, type Expression, toExpression } from '../expr/expression.js';
import { ValueError } from '../../solvers/errors.js';
import { type AxisOptions, reduceAlongAxis } from './axis_reduction.js';
import { max } from './max.js';
import { min } from './min.js';
import { norm2 } from './norm2.js';
import { sumSquares } from './sum_squares.js';

/**
 * Peak to peak max(x) - min(x), of all entries or per line along `axis`
 * (CVXPY's `ptp(x, axis, keepdims)`): convex (convex minus concave), nonnegative in value.
 */
export function ptp(x: ExprLike, axis?: number, keepdims = false): Expression {
  const e = toExpression(x, 'ptp argument');
  return max(e, axis, keepdims).sub(min(e, axis, keepdims));
}

function centeredNorm(what: string, x: ExprLike, ddof: number, options: AxisOptions, f: (centered: Expression, n: number) => Expression): Expression {
  return reduceAlongAxis(
    x,
    options,
    (line) => {
      const n = line.size;
      if (!Number.isInteger(ddof) || ddof < 0 || ddof >= n) throw new ValueError(`${what}(${line}): ddof = ${ddof} must be an integer in [0, ${n - 1}] for ${n} entries`);
      return f(line.sub(line.sum().mul(1 / n)), n - ddof);
    },
    what,
  );
}

/**
 * Standard deviation |x - mean(x)|_2 / sqrt(n - ddof) (CVXPY's `std`):
 * convex, nonnegative; per line with `axis` (AxisOptions).
 */
export function std(x: ExprLike, ddof = 0, options: AxisOptions = {}): Expression {
  return centeredNorm('std', x, ddof, options, (c, d) => norm2(c).mul(1 / Math.sqrt(d)));
}

/**
 * Variance |x - mean(x)|_2^2 / (n - ddof) (CVXPY's `var`; `var` is a
 * JavaScript keyword): convex, nonnegative; per line with `axis` (AxisOptions).
 */
export function variance(x: ExprLike, ddof = 0, options: AxisOptions = {}): Expression {
  return centeredNorm('variance', x, ddof, options, (c, d) => sumSquares(c).mul(1 / d));
}
