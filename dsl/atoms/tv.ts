import { type ExprLike, type Expression, toExpression } from '../expr/expression.js';
import { diff, vstack } from '../expr/functions.js';
import { ShapeError } from '../../solvers/errors.js';
import { formatShape, sameShape } from '../shape.js';
import { norm1 } from './norm1.js';
import { norm2 } from './norm2.js';

/**
 * Total variation (CVXPY's `tv`), convex and nonnegative:
 * - a vector x (or a one-row / one-column matrix): sum_i |x_(i+1) - x_i| (= norm1(diff(x)));
 * - matrices X^1..X^k of one shape (e.g. color channels): the isotropic
 *   sum over i < m-1, j < n-1 of |(X^c_(i+1,j) - X^c_(i,j), X^c_(i,j+1) - X^c_(i,j))_c|_2,
 *   one second-order cone per pixel.
 */
export function tv(value: ExprLike, ...others: ExprLike[]): Expression {
  const first = toExpression(value, 'tv argument');
  const singleLine = first.shape.length < 2 || first.shape[0] === 1 || first.shape[1] === 1;
  if (singleLine && others.length === 0 && first.shape.length === 2) return tv(first.vec());
  if (first.shape.length < 2) {
    if (others.length > 0) throw new ShapeError(`tv(${first}, ...): several arguments must all be matrices (1-D tv takes one vector)`);
    if (first.size < 2) throw new ShapeError(`tv(${first}): needs at least 2 entries, got shape ${formatShape(first.shape)}`);
    return norm1(diff(first.shape.length === 0 ? first.reshape([1]) : first));
  }
  const mats = [first, ...others.map((o, i) => toExpression(o, `tv argument ${i + 2}`))];
  const [m, n] = first.shape as [number, number];
  if (m < 2 || n < 2) throw new ShapeError(`tv(${first}): a matrix needs at least 2 rows and 2 columns, got ${formatShape(first.shape)}`);
  const parts: Expression[] = [];
  for (const X of mats) {
    if (!sameShape(X.shape, first.shape)) throw new ShapeError(`tv: ${X} has shape ${formatShape(X.shape)}, expected ${formatShape(first.shape)} like the first argument`);
    const corner = X.slice([0, m - 1], [0, n - 1]);
    parts.push(X.slice([1, m], [0, n - 1]).sub(corner).vec(), X.slice([0, m - 1], [1, n]).sub(corner).vec());
  }
  // Row k of the stack is one difference field; column p one pixel: a norm2 per column.
  return norm2(vstack(...parts), 0).sum();
}
