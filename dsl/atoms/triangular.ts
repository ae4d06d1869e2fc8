import { DcpError, DppError, ShapeError } from '../../solvers/errors.js';
import { containsLeafKind } from './expression_walk.js';
import { formatShape } from '../shape.js';
import { type ExprLike, type Expression, toExpression } from '../expr/expression.js';
import { constantOf } from './constant_of.js';

/**
 * The strictly upper-triangular entries X_ij, i < j, of a square matrix,
 * row by row (CVXPY's `upper_tri`): a vector of n (n - 1) / 2 entries.
 * Affine: a constant 0/1 selection matrix applied to vec(X).
 */
export function upperTri(x: ExprLike): Expression {
  const X = toExpression(x, 'upperTri argument');
  if (X.shape.length !== 2 || X.shape[0] !== X.shape[1]) throw new ShapeError(`upperTri(${X}): needs a square matrix, got shape ${formatShape(X.shape)}`);
  const n = X.shape[0]!;
  const count = (n * (n - 1)) / 2;
  if (count === 0) throw new ShapeError(`upperTri(${X}): a 1 x 1 matrix has no strictly upper-triangular entries`);
  const S = new Float64Array(count * n * n);
  let k = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) S[k++ * n * n + i * n + j] = 1;
  return constantOf(S, [count, n * n]).matmul(X.vec());
}

/**
 * The upper-triangular n x n matrix whose entries on and above the diagonal
 * (above only, with `strict`) are v, filled row by row (CVXPY's
 * `vec_to_upper_tri`); v must have n (n + 1) / 2 (strict: n (n - 1) / 2) entries.
 * Affine: reshape(P v) with a constant 0/1 matrix P.
 */
export function vecToUpperTri(v: ExprLike, strict = false): Expression {
  const e = toExpression(v, 'vecToUpperTri argument');
  if (e.shape.length === 2 && e.shape[0] !== 1 && e.shape[1] !== 1) throw new ShapeError(`vecToUpperTri(${e}): needs a vector, got shape ${formatShape(e.shape)}`);
  const ell = e.size;
  const n = Math.round(strict ? (Math.sqrt(8 * ell + 1) + 1) / 2 : (Math.sqrt(8 * ell + 1) - 1) / 2);
  if ((strict ? (n * (n - 1)) / 2 : (n * (n + 1)) / 2) !== ell || n < 1) {
    throw new ShapeError(`vecToUpperTri(${e}, strict=${strict}): ${ell} entries is not a triangular number ${strict ? 'n (n - 1) / 2' : 'n (n + 1) / 2'}`);
  }
  const P = new Float64Array(n * n * ell);
  let k = 0;
  for (let i = 0; i < n; i++) for (let j = strict ? i + 1 : i; j < n; j++) P[(i * n + j) * ell + k++] = 1;
  return constantOf(P, [n * n, ell]).matmul(e.vec()).reshape([n, n]);
}

function roundingAtom(name: 'ceil' | 'floor', x: ExprLike, f: (v: number) => number): Expression {
  const e = toExpression(x, `${name} argument`);
  const hasVariables = containsLeafKind(e, 'variable');
  if (!hasVariables && !containsLeafKind(e, 'parameter')) return constantOf(e.value!.data.map(f), e.shape);
  if (!hasVariables) {
    throw new DppError(`${name}(${e}): a parameter expression inside ${name} is not DPP (the result is not affine in the parameters); round the parameter's value yourself before assigning it`);
  }
  throw new DcpError(
    `${name}(${e}) is not DCP: ${name} is piecewise constant, hence quasiconvex and quasiconcave (CVXPY classifies it as a DQCP atom), but neither convex nor concave; ` +
      `it cannot appear in a DCP/DPP problem. Only a constant argument is accepted (it is rounded at once); optlayers has no DQCP (bisection) solve`,
  );
}

/** Entrywise ceiling of a constant expression; a variable argument is a DcpError (ceil is DQCP, not DCP), a parameter one a DppError. */
export function ceil(x: ExprLike): Expression {
  return roundingAtom('ceil', x, Math.ceil);
}

/** Entrywise floor of a constant expression; a variable argument is a DcpError (floor is DQCP, not DCP), a parameter one a DppError. */
export function floor(x: ExprLike): Expression {
  return roundingAtom('floor', x, Math.floor);
}
