import { type ExprLike, type Expression, toExpression } from '../expr/expression.js';
import { constantOf } from './constant_of.js';
import { hstack, vstack } from '../expr/functions.js';
import { DcpError, ShapeError } from '../../solvers/errors.js';
import { formatShape } from '../shape.js';
import { containsLeafKind } from './expression_walk.js';

/**
 * The outer product a b' of two vectors (CVXPY's `outer`), an (n, m) matrix:
 * a column times a row (matmul), so one factor must be constant, or
 * parameter-affine with the other parameter-free (DPP).
 */
export function outer(a: ExprLike, b: ExprLike): Expression {
  const ea = toExpression(a, 'outer a');
  const eb = toExpression(b, 'outer b');
  for (const [e, name] of [[ea, 'a'], [eb, 'b']] as const) {
    if (e.shape.length > 1) throw new ShapeError(`outer(${ea}, ${eb}): ${name} must be a vector or scalar, got shape ${formatShape(e.shape)}`);
  }
  return ea.reshape([ea.size, 1]).matmul(eb.reshape([1, eb.size]));
}

/**
 * The Kronecker product A (x) B (CVXPY's `kron`): block (i, j) is A_ij B,
 * so for A (m x n) and B (p x q) the result is (m p x n q); two vectors give
 * the vector of length n q. One factor must be constant, or parameter-affine
 * with the other parameter-free (the product rule applies block by block).
 */
export function kron(a: ExprLike, b: ExprLike): Expression {
  const A = toExpression(a, 'kron a');
  const B = toExpression(b, 'kron b');
  if (A.shape.length !== B.shape.length || A.shape.length === 0) {
    throw new ShapeError(`kron(${A}, ${B}): both factors must be matrices or both vectors, got shapes ${formatShape(A.shape)} and ${formatShape(B.shape)}`);
  }
  if (A.shape.length === 1) return hstack(...Array.from({ length: A.size }, (_, i) => A.index(i).mul(B)));
  const [m, n] = A.shape as [number, number];
  const blockRows = Array.from({ length: m }, (_, i) => hstack(...Array.from({ length: n }, (_, j) => A.index(i, j).mul(B))));
  return vstack(...blockRows);
}

/**
 * Full 1-D discrete convolution (CVXPY's `convolve`, numpy's
 * `np.convolve(a, b)`): (a * b)_k = sum_i a_i b_(k-i), length n + m - 1.
 * One factor must be variable-free (constant or, under DPP, parameter-affine):
 * it becomes the Toeplitz matrix T(a) = reshape(M a) (M a constant 0/1
 * selection), and the result is T(a) @ b. DcpError when both contain variables.
 */
export function convolve(a: ExprLike, b: ExprLike): Expression {
  let kernel = toExpression(a, 'convolve a');
  let signal = toExpression(b, 'convolve b');
  for (const [e, name] of [[kernel, 'a'], [signal, 'b']] as const) {
    if (e.shape.length > 1) throw new ShapeError(`convolve(${kernel}, ${signal}): ${name} must be a vector or scalar, got shape ${formatShape(e.shape)}`);
  }
  const kernelVars = containsLeafKind(kernel, 'variable');
  if (kernelVars && containsLeafKind(signal, 'variable')) {
    throw new DcpError(`convolve(${kernel}, ${signal}): both arguments contain variables; the convolution is bilinear, so one of them must be constant or a parameter expression (rule: DCP product)`);
  }
  if (kernelVars) [kernel, signal] = [signal, kernel];
  const n = kernel.size;
  const m = signal.size;
  const len = n + m - 1;
  // Row (k * m + j) of M picks kernel entry k - j into T[k][j].
  const M = new Float64Array(len * m * n);
  for (let k = 0; k < len; k++) for (let j = 0; j < m; j++) if (k - j >= 0 && k - j < n) M[(k * m + j) * n + (k - j)] = 1;
  const toeplitz = constantOf(M, [len * m, n]).matmul(kernel.reshape([n])).reshape([len, m]);
  return toeplitz.matmul(signal.reshape([m]));
}

/** CVXPY's older name for `convolve` (same full 1-D convolution, a vector of length n + m - 1). */
export function conv(a: ExprLike, b: ExprLike): Expression {
  return convolve(a, b);
}
