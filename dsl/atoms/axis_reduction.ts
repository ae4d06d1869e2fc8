import { type ExprLike, type Expression, toExpression } from '../expr/expression.js';
import { hstack } from '../expr/functions.js';
import { ShapeError } from '../../solvers/errors.js';
import { formatShape } from '../shape.js';

/**
 * Where a reduction applies (CVXPY's `axis` / `keepdims`): `axis` undefined
 * reduces all entries; on a matrix axis 0 reduces down each column (n
 * results), axis 1 along each row (m results); a vector has only axis 0.
 * `keepdims` keeps the reduced axis with length 1: (1, n) / (m, 1) for a
 * matrix, (1,) for a vector, and all-ones shapes when `axis` is undefined.
 */
export interface AxisOptions {
  readonly axis?: number | undefined;
  readonly keepdims?: boolean | undefined;
}

/**
 * Applies the scalar reduction `f` (an atom of all entries of its argument)
 * to every line of x along `axis`, stacking the results: one atom per column
 * (axis 0) or row (axis 1), so each line keeps its own canonicalization and
 * the DCP analysis of the atom. ShapeError for an axis the shape lacks.
 */
export function reduceAlongAxis(x: ExprLike, options: AxisOptions, f: (line: Expression) => Expression, what: string): Expression {
  const e = toExpression(x, `${what} argument`);
  const { axis, keepdims = false } = options;
  if (axis === undefined) {
    const whole = f(e);
    return keepdims && e.shape.length > 0 ? whole.reshape(e.shape.map(() => 1)) : whole;
  }
  if (!Number.isInteger(axis) || axis < 0 || axis >= Math.max(1, e.shape.length)) {
    throw new ShapeError(`${what}(${e}, axis=${axis}): axis ${axis} does not exist for shape ${formatShape(e.shape)}`);
  }
  if (e.shape.length < 2) {
    const whole = f(e);
    return keepdims ? whole.reshape([1]) : whole;
  }
  const [m, n] = e.shape as [number, number];
  const lines = axis === 0 ? Array.from({ length: n }, (_, j) => f(e.col(j))) : Array.from({ length: m }, (_, i) => f(e.row(i)));
  const stacked = hstack(...lines);
  if (!keepdims) return stacked;
  return stacked.reshape(axis === 0 ? [1, n] : [m, 1]);
}
