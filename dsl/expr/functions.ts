import { addOp } from '../affine/add.js';
import { cumsumOp, diffOp } from '../affine/cumsum_diff.js';
import { multiplyOp } from '../affine/multiply.js';
import { hstackOp, vstackOp } from '../affine/stack.js';
import { diagOp, traceOp } from '../affine/trace_diag.js';
import { ShapeError } from '../../solvers/errors.js';
import { formatShape, sameShape } from '../shape.js';
import { type ExprLike, type Expression, makeAffine, toExpression } from './expression.js';

/** a + b + ... (entrywise; scalars broadcast). */
export function add(...terms: ExprLike[]): Expression {
  if (terms.length === 1) return toExpression(terms[0]!);
  return makeAffine(addOp, terms.map((t) => toExpression(t)), undefined);
}

/** a - b. */
export function sub(a: ExprLike, b: ExprLike): Expression {
  return toExpression(a).sub(b);
}

/** -x. */
export function negate(x: ExprLike): Expression {
  return toExpression(x).negate();
}

/** Entrywise product a .* b (scalars broadcast); one factor must be constant or parameter-affine. */
export function multiply(a: ExprLike, b: ExprLike): Expression {
  return makeAffine(multiplyOp, [toExpression(a), toExpression(b)], undefined);
}

/** Matrix product a @ b. */
export function matmul(a: ExprLike, b: ExprLike): Expression {
  return toExpression(a).matmul(b);
}

/** Sum of all entries, or along an axis. */
export function sum(x: ExprLike, axis?: number, keepdims = false): Expression {
  return toExpression(x).sum(axis, keepdims);
}

/** Row-major reshape. */
export function reshape(x: ExprLike, shape: number | readonly number[]): Expression {
  return toExpression(x).reshape(shape);
}

/** Row-major flattening to a vector. */
export function vec(x: ExprLike): Expression {
  return toExpression(x).vec();
}

/** Matrix transpose. */
export function transpose(x: ExprLike): Expression {
  return toExpression(x).T;
}

/** Horizontal concatenation (vectors end to end, matrices side by side). */
export function hstack(...xs: ExprLike[]): Expression {
  return makeAffine(hstackOp, xs.map((x) => toExpression(x)), undefined);
}

/** Vertical stacking (vectors become rows, matrices stack). */
export function vstack(...xs: ExprLike[]): Expression {
  return makeAffine(vstackOp, xs.map((x) => toExpression(x)), undefined);
}

/** Sum of the diagonal of a square matrix. */
export function trace(x: ExprLike): Expression {
  return makeAffine(traceOp, [toExpression(x)], undefined);
}

/** Diagonal matrix of a vector, or the diagonal of a square matrix. */
export function diag(x: ExprLike): Expression {
  return makeAffine(diagOp, [toExpression(x)], undefined);
}

/** Cumulative sum along an axis (default 0). */
export function cumsum(x: ExprLike, axis = 0): Expression {
  return makeAffine(cumsumOp, [toExpression(x)], { axis, k: 1 });
}

/** k-th order difference along an axis (defaults k = 1, axis 0): x[1:] - x[:-1] for k = 1. */
export function diff(x: ExprLike, k = 1, axis = 0): Expression {
  return makeAffine(diffOp, [toExpression(x)], { axis, k });
}

/**
 * The inner product <a, b> = sum_ij a_ij b_ij of two expressions of the same
 * shape (CVXPY's `vdot`; for vectors `a @ b`). It is `sum(multiply(a, b))`,
 * so the product rules apply: DCP needs one side constant, DPP also accepts
 * a parameter-affine side times a parameter-free one (`dot(c, x)` with `c` a
 * parameter and `x` a variable is DPP). ShapeError when the shapes differ (no
 * broadcasting: use `multiply` for that).
 */
export function dot(a: ExprLike, b: ExprLike): Expression {
  const ea = toExpression(a, 'dot operand a');
  const eb = toExpression(b, 'dot operand b');
  if (!sameShape(ea.shape, eb.shape)) {
    throw new ShapeError(`dot(${ea}, ${eb}): the operands must have the same shape, got ${formatShape(ea.shape)} and ${formatShape(eb.shape)}`);
  }
  return makeAffine(multiplyOp, [ea, eb], undefined).sum();
}
