import { dot } from '../expr/functions.js';
import { ShapeError } from '../../solvers/errors.js';
import { pnorm } from './pnorm.js';
import { type ExprLike, type Expression, toExpression } from '../expr/expression.js';

/**
 * The mixed norm |(|X_1,:|_p, ..., |X_m,:|_p)|_q of the rows of X (CVXPY's
 * `mixed_norm(X, p=2, q=1)`; the group-lasso penalty for q = 1). Convex,
 * nonnegative; p, q >= 1 or 'inf'.
 */
export function mixedNorm(x: ExprLike, p: number | 'inf' = 2, q: number | 'inf' = 1): Expression {
  const X = toExpression(x, 'mixedNorm argument');
  if (X.shape.length !== 2) throw new ShapeError(`mixedNorm(${X}): needs a matrix (rows are the groups), got ${X.shape.length === 0 ? 'a scalar' : 'a vector'}`);
  return pnorm(pnorm(X, p, 1), q);
}

/**
 * sum_i x_i y_i over all entries of two expressions with the same number of
 * entries (CVXPY's `scalar_product`, numpy's `vdot`: both are flattened).
 * The product rule applies: one side constant, or parameter-affine times parameter-free (DPP).
 */
export function scalarProduct(x: ExprLike, y: ExprLike): Expression {
  const a = toExpression(x, 'scalarProduct x');
  const b = toExpression(y, 'scalarProduct y');
  if (a.size !== b.size) throw new ShapeError(`scalarProduct(${a}, ${b}): the operands have ${a.size} and ${b.size} entries`);
  return dot(a.vec(), b.vec());
}
