import { UnsupportedError, ValueError } from '../../solvers/errors.js';
import { type ExprLike, type Expression, toExpression } from '../expr/expression.js';
import { formatShape } from '../shape.js';
import { abs } from './abs.js';
import { max } from './max.js';
import { norm1 } from './norm1.js';
import { norm2 } from './norm2.js';
import { normInf } from './norm_inf.js';
import { pnorm } from './pnorm.js';

/** The orders `norm` accepts: any p >= 1 (Infinity or 'inf' included), and 'fro' for matrices. */
export type NormOrder = 1 | 2 | number | 'inf' | 'fro';

/**
 * The p-norm of x, CVXPY's generic `norm(x, p)` (default p = 2), built from
 * the dedicated atoms so every form is DCP (convex, nonnegative) and keeps
 * their canonicalizations:
 * - scalars and vectors: p = 1 -> `norm1` (sum |x_i|), p = 2 -> `norm2`
 *   (second-order cone), p = Infinity or 'inf' -> `normInf` (max |x_i|),
 *   any other p >= 1 -> `pnorm` (power cones); 'fro' is accepted and equals
 *   p = 2;
 * - matrices, as CVXPY: 'fro' -> `norm2` of the entries (Frobenius),
 *   p = 1 -> the induced 1-norm max_j sum_i |X_ij| (largest column sum),
 *   p = Infinity -> the induced inf-norm max_i sum_j |X_ij| (largest row sum).
 *
 * Throws `UnsupportedError` for the matrix 2-norm (the largest singular value
 * needs the semidefinite cone, which the SCS route here does not compile) and
 * for induced matrix norms other than 1 and Infinity, and `ValueError` for a
 * p that is not a number >= 1 or a known name.
 *
 * ```ts
 * norm(x, 1); norm(x, 3); norm(x, 'inf'); norm(X, 'fro');
 * ```
 */
export function norm(x: ExprLike, p: NormOrder = 2): Expression {
  const e = toExpression(x, 'norm argument');
  const order = p === 'inf' ? Infinity : p;
  const isMatrix = e.shape.length === 2;
  if (order === 'fro') return norm2(e);
  if (typeof order !== 'number' || Number.isNaN(order) || order < 1) {
    throw new ValueError(`norm(${e}, ${String(p)}): p must be 1, 2, Infinity ('inf') or 'fro'; a p-norm needs p >= 1 to be convex`);
  }
  if (isMatrix) {
    if (order === 1) return max(abs(e).sum(0));
    if (order === Infinity) return max(abs(e).sum(1));
    if (order === 2) {
      throw new UnsupportedError(`norm(${e}, 2) of a matrix ${formatShape(e.shape)} is the spectral norm, which needs the semidefinite cone (not supported); use norm(X, 'fro') for the Frobenius norm`);
    }
    throw new UnsupportedError(`norm(${e}, ${order}) of a matrix: only 1, Infinity and 'fro' are supported`);
  }
  if (order === 1) return norm1(e);
  if (order === 2) return norm2(e);
  if (order === Infinity) return normInf(e);
  return pnorm(e, order);
}
