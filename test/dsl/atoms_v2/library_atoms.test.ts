/**
 * Issue 12, the rest of CVXPY's atom library: log1p, xexp, relEntr, klDiv
 * with parameter arguments, logNormcdf (CVXPY's quadratic approximation),
 * dotsort, tv, ptp, std/variance, scalarProduct, mixedNorm, upperTri,
 * vecToUpperTri, kron, outer, convolve (parameter kernel), and ceil/floor
 * rejected. Values against arithmetic written here, solves against closed
 * forms or dense float64 references, gradients against central differences.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  Problem,
  ceil,
  constant,
  convolve,
  conv,
  dotsort,
  expressionFacts,
  floor,
  klDiv,
  kron,
  log1p,
  logNormcdf,
  maximize,
  minimize,
  mixedNorm,
  outer,
  parameter,
  ptp,
  relEntr,
  scalarProduct,
  std,
  sum,
  sumLargest,
  sumSquares,
  tv,
  upperTri,
  variable,
  variance,
  vecToUpperTri,
  xexp,
} from '../../../dsl/index.js';
import { DcpError, DppError, ShapeError, ValueError } from '../../../solvers/errors.js';
import { initSolvers } from '../../../solvers/init.js';
import { expectArrayClose, expectMatrixValue, expectScalarClose, expectVectorValue, solveTight } from '../known_answers/harness.js';
import { bisect, convolveReference, ridge } from './dense_reference.js';
import { fdGradientError } from './fd_gradient.js';

beforeAll(async () => {
  await initSolvers();
});

/** log Phi(x) by Simpson integration of the normal density (independent of the approximation's formula). */
function logPhi(x: number): number {
  const a = -12;
  const n = 4000;
  const h = (x - a) / n;
  let s = 0;
  for (let i = 0; i <= n; i++) {
    const t = a + i * h;
    s += (i === 0 || i === n ? 1 : i % 2 ? 4 : 2) * Math.exp((-t * t) / 2);
  }
  return Math.log((s * h) / 3 / Math.sqrt(2 * Math.PI));
}

describe('elementwise exponential-cone atoms', () => {
  it('values: log1p, xexp, relEntr on and off their domains', () => {
    expectArrayClose(log1p([0, 1e-12, 3]).value!.data, [0, 1e-12, Math.log(4)], 'log1p', 1e-15);
    expect(log1p(-1).value!.at()).toBe(-Infinity);
    expectArrayClose(xexp([0, 0.5, 2]).value!.data, [0, 0.5 * Math.exp(0.5), 2 * Math.exp(2)], 'xexp', 1e-14);
    expect(xexp(-0.1).value!.at()).toBe(Infinity);
    expectArrayClose(relEntr([0, 2, 0.5], [1, 0.5, 2]).value!.data, [0, 2 * Math.log(4), 0.5 * Math.log(0.25)], 'relEntr', 1e-14);
    expect(relEntr(1, 0).value!.at()).toBe(Infinity);
  });

  it('maximize log1p(x) - x / 2: x = 1, value log 2 - 1/2; the sign of log1p follows x', () => {
    const x = variable([], 'x');
    const value = solveTight(new Problem(maximize(log1p(x).sub(x.mul(0.5)))), 'log1p');
    expectScalarClose(x.value!.at(), 1, 'x');
    expectScalarClose(value, Math.log(2) - 0.5, 'value');
    expect(expressionFacts(log1p(variable([], { name: 'n', nonneg: true })), 'dcp').sign.nonneg).toBe(true);
    expect(expressionFacts(log1p(variable([], { name: 'n', nonpos: true })), 'dcp').sign.nonpos).toBe(true);
  });

  it('minimize xexp(x) - c x: (1 + x) e^x = c for c > 1, the domain bound x = 0 for c < 1', () => {
    for (const c of [3, 0.5]) {
      const x = variable([], 'x');
      const value = solveTight(new Problem(minimize(xexp(x).sub(x.mul(c)))), `xexp c=${c}`);
      const xs = c > 1 ? bisect((v) => (1 + v) * Math.exp(v) - c, 0, 5) : 0;
      expectScalarClose(x.value!.at(), xs, `x, c = ${c}`, 1e-5);
      expectScalarClose(value, xs * Math.exp(xs) - c * xs, `value, c = ${c}`);
    }
  });

  it("minimize sum(relEntr(x, y)) s.t. sum(x) == 1: x = y / S, value -log S (Gibbs)", () => {
    const y = [0.2, 1.1, 0.7];
    const S = 2;
    const x = variable(3, 'x');
    const value = solveTight(new Problem(minimize(sum(relEntr(x, y))), [sum(x).eq(1)]), 'relEntr');
    expectVectorValue(x.value, y.map((v) => v / S), 'x');
    expectScalarClose(value, -Math.log(S), 'value');
  });

  it('klDiv and relEntr with a parameter second argument are DPP; x = q / S, value S - 1 - log S', () => {
    const q = parameter(3, { name: 'q', value: [0.5, 1.5, 1.0] });
    const x = variable(3, 'x');
    const problem = new Problem(minimize(sum(klDiv(x, q))), [sum(x).eq(1)]);
    expect(problem.isDpp()).toBe(true);
    const value = solveTight(problem, 'klDiv parameter');
    expectVectorValue(x.value, [0.5, 1.5, 1.0].map((v) => v / 3), 'x');
    expectScalarClose(value, 3 - 1 - Math.log(3), 'value');
    q.value = [1, 1, 2];
    expectScalarClose(solveTight(problem, 'klDiv parameter update'), 4 - 1 - Math.log(4), 'value after update');
    // A parameter first argument is DPP as well (the cone data are affine in it).
    const p = parameter(3, { name: 'p', value: [0.3, 0.3, 0.4] });
    const y = variable(3, 'y');
    const dual = new Problem(minimize(sum(relEntr(p, y))), [sum(y).eq(1)]);
    expect(dual.isDpp()).toBe(true);
    expectScalarClose(solveTight(dual, 'relEntr parameter x'), 0, 'value (y = p)');
    expectVectorValue(y.value, [0.3, 0.3, 0.4], 'y');
  });
});

describe('logNormcdf (CVXPY quadratic approximation)', () => {
  it('is within 0.007 of log Phi on [-4, 4] and exact where CVXPY is (x = 1, 2)', () => {
    let worst = 0;
    for (let x = -4; x <= 4; x += 0.5) worst = Math.max(worst, Math.abs(logNormcdf(x).value!.at() - logPhi(x)));
    expect(worst).toBeLessThan(0.007);
    expect(Math.abs(logNormcdf(1).value!.at() - logPhi(1))).toBeLessThan(1e-7);
  });
  it('maximize logNormcdf(x) - c x: 2 sum_k w_k max(b_k - x, 0) = c (root by bisection)', () => {
    const c = 0.8;
    const x = variable([], 'x');
    solveTight(new Problem(maximize(logNormcdf(x).sub(x.mul(c)))), 'logNormcdf');
    const w = [0.02301291, 0.08070214, 0.16411522, 0.09003495, 0.08200854, 0.01371543, 0.04641081];
    const b = [3, 2, 1, 0, -1, -2.5, -3.5];
    const slope = (v: number) => 2 * w.reduce((s, wk, k) => s + wk * Math.max(b[k]! - v, 0), 0);
    expectScalarClose(x.value!.at(), bisect((v) => c - slope(v), -5, 5), 'x', 1e-5);
  });
});

describe('dotsort, tv, ptp, std, variance', () => {
  it('values against sorting and loops', () => {
    const x = [0.7, -1.3, 0.4, 2.1];
    const sortedX = [...x].sort((a, b) => b - a);
    const w = [2, -1, 0.5];
    const sortedW = [2, 0.5, 0, -1];
    expectScalarClose(dotsort(x, w).value!.at(), sortedX.reduce((s, v, i) => s + v * sortedW[i]!, 0), 'dotsort', 1e-14);
    expectScalarClose(tv(x).value!.at(), 2 + 1.7 + 1.7, 'tv 1-D', 1e-14);
    expectScalarClose(tv([x]).value!.at(), 2 + 1.7 + 1.7, 'tv of a one-row matrix', 1e-14);
    const X = [[1, 2, 4], [0, 3, 3], [2, 2, 1]];
    let ref = 0;
    for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) ref += Math.hypot(X[i + 1]![j]! - X[i]![j]!, X[i]![j + 1]! - X[i]![j]!);
    expectScalarClose(tv(X).value!.at(), ref, 'tv 2-D', 1e-14);
    const Y = [[0, 1, 0], [1, 1, 0], [0, 0, 2]];
    let ref2 = 0;
    for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) {
      ref2 += Math.hypot(X[i + 1]![j]! - X[i]![j]!, X[i]![j + 1]! - X[i]![j]!, Y[i + 1]![j]! - Y[i]![j]!, Y[i]![j + 1]! - Y[i]![j]!);
    }
    expectScalarClose(tv(X, Y).value!.at(), ref2, 'tv 2-D, two channels', 1e-14);
    expectScalarClose(ptp(x).value!.at(), 3.4, 'ptp', 1e-14);
    expectArrayClose(ptp(X, 1).value!.data, [3, 3, 1], 'ptp axis 1', 1e-14);
    const mean = x.reduce((s, v) => s + v, 0) / 4;
    const ss = x.reduce((s, v) => s + (v - mean) ** 2, 0);
    expectScalarClose(variance(x).value!.at(), ss / 4, 'variance', 1e-14);
    expectScalarClose(std(x, 1).value!.at(), Math.sqrt(ss / 3), 'std ddof 1', 1e-14);
    expectArrayClose(variance(X, 0, { axis: 0 }).value!.data, [2 / 3, 2 / 9, 14 / 9], 'variance axis 0', 1e-14);
    expect(() => std(x, 4)).toThrow(ValueError);
    expect(() => dotsort(x, [1, 2, 3, 4, 5])).toThrow(ShapeError);
    expect(() => tv(x, x)).toThrow(ShapeError);
  });

  it('dotsort(x, ones(k)) is sumLargest(x, k); minimize dotsort(x, [3, 1]) on the simplex is 4/3 (symmetric optimum)', () => {
    const v = [0.3, -2, 1.5, 0.9];
    expectScalarClose(dotsort(v, [1, 1]).value!.at(), sumLargest(v, 2).value!.at(), 'dotsort = sumLargest', 1e-14);
    const x = variable(3, 'x');
    const value = solveTight(new Problem(minimize(dotsort(x, [3, 1])), [sum(x).eq(1), x.ge(0)]), 'dotsort simplex');
    expectScalarClose(value, 4 / 3, 'value');
    expectVectorValue(x.value, [1 / 3, 1 / 3, 1 / 3], 'x');
    // Negative weights: dotsort(x, [-1]) = -min... of a vector with one weight: -1 times the smallest entry.
    const y = variable(2, 'y');
    const neg = solveTight(new Problem(minimize(dotsort(y, [0, -1])), [y.ge(-1), y.le(2)]), 'dotsort negative weight');
    expectScalarClose(neg, -2, 'value (-max y)');
  });

  it('tv known answers: a monotone path has tv = |end - start|; a 2x2 image one pixel norm', () => {
    const x = variable(5, 'x');
    expectScalarClose(solveTight(new Problem(minimize(tv(x)), [x.index(0).eq(0), x.index(4).eq(1), x.index(2).ge(0.5)]), 'tv 1-D'), 1, 'value');
    const X = variable([2, 2], 'X');
    expectScalarClose(solveTight(new Problem(minimize(tv(X)), [X.index(0, 0).eq(0), X.index(1, 0).eq(1)]), 'tv 2-D'), 1, 'value');
  });

  it('variance and std: min variance(x) s.t. x_0 = 1, sum(x) = 0 (n = 4) is 1/3; ptp of a pinned vector', () => {
    const x = variable(4, 'x');
    expectScalarClose(solveTight(new Problem(minimize(variance(x)), [x.index(0).eq(1), sum(x).eq(0)]), 'variance'), 1 / 3, 'variance');
    expectVectorValue(x.value, [1, -1 / 3, -1 / 3, -1 / 3], 'x');
    const y = variable(4, 'y');
    expectScalarClose(solveTight(new Problem(minimize(std(y)), [y.index(0).eq(1), sum(y).eq(0)]), 'std'), Math.sqrt(1 / 3), 'std');
    const z = variable(3, 'z');
    expectScalarClose(solveTight(new Problem(minimize(ptp(z)), [z.index(0).eq(1), z.index(2).eq(3)]), 'ptp'), 2, 'ptp');
  });
});

describe('mixedNorm, scalarProduct, upperTri, vecToUpperTri', () => {
  it('prox of mixedNorm(X, 2, 1) is group soft thresholding: row_i = B_i max(0, 1 - 1/|B_i|)', () => {
    const B = [[1.5, -2.0, 0.5], [0.3, 0.2, -0.4], [2.0, 0.0, 1.0]];
    const X = variable([3, 3], 'X');
    solveTight(new Problem(minimize(mixedNorm(X).add(sumSquares(X.sub(B)).mul(0.5)))), 'group lasso prox');
    expectMatrixValue(X.value, B.map((r) => r.map((v) => v * Math.max(0, 1 - 1 / Math.hypot(...r)))), 'X', 1e-5);
    expectScalarClose(mixedNorm(B, 'inf', 2).value!.at(), Math.hypot(2, 0.4, 2), 'mixedNorm inf, 2', 1e-14);
    expect(() => mixedNorm([1, 2])).toThrow(ShapeError);
  });
  it("scalarProduct(c, X) + |X|^2 / 2 is minimized at X = -c; the value is -|c|^2 / 2", () => {
    const c = parameter([2, 2], { name: 'c', value: [[1, -2], [0.5, 3]] });
    const X = variable([2, 2], 'X');
    const problem = new Problem(minimize(scalarProduct(c, X).add(sumSquares(X).mul(0.5))));
    expect(problem.isDpp()).toBe(true);
    expectScalarClose(solveTight(problem, 'scalarProduct'), -(1 + 4 + 0.25 + 9) / 2, 'value');
    expectMatrixValue(X.value, [[-1, 2], [-0.5, -3]], 'X');
    expect(() => scalarProduct([1, 2], [1, 2, 3])).toThrow(ShapeError);
  });
  it('upperTri reads rows above the diagonal (CVXPY order); vecToUpperTri fills row by row', () => {
    const A = [[10, 11, 12, 13], [14, 15, 16, 17], [18, 19, 20, 21], [22, 23, 24, 25]];
    expectArrayClose(upperTri(A).value!.data, [11, 12, 13, 16, 17, 21], 'upperTri', 0);
    expectMatrixValue(vecToUpperTri([1, 2, 3, 4, 5, 6]).value, [[1, 2, 3], [0, 4, 5], [0, 0, 6]], 'vecToUpperTri', 0);
    expectMatrixValue(vecToUpperTri([1, 2, 3], true).value, [[0, 1, 2], [0, 0, 3], [0, 0, 0]], 'vecToUpperTri strict', 0);
    expect(() => vecToUpperTri([1, 2, 3, 4])).toThrow(ShapeError);
    expect(() => upperTri([[1, 2, 3]])).toThrow(ShapeError);
    // Recover the upper triangle of a matrix through an equality constraint.
    const v = variable(3, 'v');
    solveTight(new Problem(minimize(sum(v)), [vecToUpperTri(v, true).eq([[0, 4, -1], [0, 0, 2], [0, 0, 0]])]), 'vecToUpperTri eq');
    expectVectorValue(v.value, [4, -1, 2], 'v');
    const X = variable([3, 3], 'X');
    solveTight(new Problem(minimize(sumSquares(X)), [upperTri(X).eq([1, 2, 3])]), 'upperTri eq');
    expectMatrixValue(X.value, [[0, 1, 2], [0, 0, 3], [0, 0, 0]], 'X');
  });
});

describe('kron, outer, convolve with constant or parameter factors', () => {
  it('values against the definitions', () => {
    const A = [[1, 2], [3, 4]];
    const B = [[0, 5], [6, 7]];
    expectMatrixValue(kron(A, B).value, [[0, 5, 0, 10], [6, 7, 12, 14], [0, 15, 0, 20], [18, 21, 24, 28]], 'kron', 0);
    expectArrayClose(kron([1, 2], [3, 4, 5]).value!.data, [3, 4, 5, 6, 8, 10], 'kron vectors', 0);
    expectMatrixValue(outer([1, 2], [3, 4, 5]).value, [[3, 4, 5], [6, 8, 10]], 'outer', 0);
    expectArrayClose(convolve([1, 2, 3], [0, 1, 0.5]).value!.data, convolveReference([1, 2, 3], [0, 1, 0.5]), 'convolve', 1e-15);
    expectArrayClose(conv([2], [1, -1]).value!.data, [2, -2], 'conv', 0);
    const x = variable(3);
    expect(() => convolve(x, x.mul(2))).toThrow(DcpError);
    expect(() => kron([1, 2], [[1]])).toThrow(ShapeError);
  });

  it('convolve(k, x) with a parameter kernel: deconvolution min |k * x - y|^2 + 0.1 |x|^2 equals the dense ridge solution', () => {
    const kv = [1, -0.5, 0.25];
    const yv = [0.3, 1.2, -0.4, 0.8, 0.1, -0.2];
    const k = parameter(3, { name: 'k', value: kv });
    const x = variable(4, 'x');
    const problem = new Problem(minimize(sumSquares(convolve(k, x).sub(yv)).add(sumSquares(x).mul(0.1))));
    expect(problem.isDpp()).toBe(true);
    solveTight(problem, 'deconvolution');
    // T[i][j] = k[i - j]: the convolution matrix written from its definition.
    const T = Array.from({ length: 6 }, (_, i) => Array.from({ length: 4 }, (_, j) => (i - j >= 0 && i - j < 3 ? kv[i - j]! : 0)));
    expectVectorValue(x.value, ridge(T, yv, 0.1), 'x');
    // Either argument may be the variable one.
    const z = variable(4, 'z');
    solveTight(new Problem(minimize(sumSquares(convolve(z, k).sub(yv)).add(sumSquares(z).mul(0.1)))), 'deconvolution, swapped');
    expectVectorValue(z.value, ridge(T, yv, 0.1), 'z');
  });

  it('kron(P, X) and outer(a, x) with parameter factors: least squares against the normal equations', () => {
    const Pv = [[1, 2], [-1, 0.5]];
    const C = [[1, 0], [2, 1], [0.5, -1], [1, 3]];
    const P = parameter([2, 2], { name: 'P', value: Pv });
    const X = variable([2, 1], 'X');
    solveTight(new Problem(minimize(sumSquares(kron(P, X).sub(C)))), 'kron least squares');
    // Entry (2i + r, j) of kron(P, X) is P_ij X_r: rows of the design matrix over (X_0, X_1).
    const D: number[][] = [];
    const y: number[] = [];
    for (let i = 0; i < 2; i++) for (let r = 0; r < 2; r++) for (let j = 0; j < 2; j++) {
      D.push(r === 0 ? [Pv[i]![j]!, 0] : [0, Pv[i]![j]!]);
      y.push(C[2 * i + r]![j]!);
    }
    expectArrayClose(X.value!.data, ridge(D, y, 0), 'X');
    const a = parameter(3, { name: 'a', value: [1, -2, 0.5] });
    const x = variable(2, 'x');
    const Cq = [[1, 2], [0, -1], [3, 0.5]];
    solveTight(new Problem(minimize(sumSquares(outer(a, x).sub(Cq)))), 'outer least squares');
    // x_j = sum_i a_i C_ij / |a|^2.
    expectVectorValue(x.value, [0, 1].map((j) => (1 * Cq[0]![j]! - 2 * Cq[1]![j]! + 0.5 * Cq[2]![j]!) / 5.25), 'x');
  });
});

describe('ceil and floor are not DCP', () => {
  it('a constant is rounded; a variable is a DcpError naming DQCP, a parameter a DppError', () => {
    expectArrayClose(ceil([0.2, -1.5, 2]).value!.data, [1, -1, 2], 'ceil', 0);
    expectArrayClose(floor(constant([0.2, -1.5])).value!.data, [0, -2], 'floor', 0);
    expect(() => ceil(variable(2, 'x'))).toThrow(DcpError);
    expect(() => floor(variable(2, 'x').add(1))).toThrow(/floor\(x \+ 1\) is not DCP: .*quasiconvex and quasiconcave.*DQCP/);
    expect(() => ceil(parameter(2, { value: [1, 2] }))).toThrow(DppError);
  });
});

describe('gradients through the ConvexLayer solution map match central differences', () => {
  it('convolve with a parameter kernel (deconvolution)', () => {
    const k = parameter(3, { name: 'k' });
    const y = parameter(5, { name: 'y' });
    const x = variable(3, 'x');
    const problem = new Problem(minimize(sumSquares(convolve(k, x).sub(y)).add(sumSquares(x).mul(0.1))));
    const { worst } = fdGradientError({ problem, parameters: [k, y], variables: [x], values: [[1, -0.5, 0.25], [0.3, 1.2, -0.4, 0.8, 0.1]] }, 1e-4);
    expect(worst).toBeLessThan(1e-5);
  });
  it('kron and outer with parameter factors', () => {
    const P = parameter([2, 2], { name: 'P' });
    const a = parameter(2, { name: 'a' });
    const X = variable([2, 1], 'X');
    const problem = new Problem(minimize(sumSquares(kron(P, X).sub(1)).add(sumSquares(outer(a, X.vec()).sub(0.5)))));
    const { worst } = fdGradientError({ problem, parameters: [P, a], variables: [X], values: [[1, 2, -1, 0.5], [0.7, -1.1]] }, 1e-4);
    expect(worst).toBeLessThan(1e-5);
  });
  it('klDiv / relEntr with parameter arguments, log1p and xexp', () => {
    const q = parameter(3, { name: 'q' });
    const c = parameter([], { name: 'c', nonneg: true });
    const x = variable(3, 'x');
    const t = variable([], 't');
    const problem = new Problem(minimize(sum(klDiv(x, q)).add(sum(relEntr(q, x)).mul(0.3)).add(xexp(t)).sub(log1p(t).mul(c)).sub(t.mul(0.2))), [sum(x).eq(1)]);
    const { worst } = fdGradientError({ problem, parameters: [q, c], variables: [x, t], values: [[0.5, 1.5, 1.0], [2.5]] });
    expect(worst).toBeLessThan(1e-5);
  });
  it('logNormcdf, mixedNorm, scalarProduct and dotsort', () => {
    const B = parameter([2, 3], { name: 'B' });
    const c = parameter(2, { name: 'c' });
    const X = variable([2, 3], 'X');
    const u = variable(2, 'u');
    const problem = new Problem(
      minimize(mixedNorm(X).add(sumSquares(X.sub(B)).mul(0.5)).sub(sum(logNormcdf(u))).add(scalarProduct(c, u)).add(dotsort(X.sub(B), [0.3, 0.1]))),
    );
    const { worst } = fdGradientError({ problem, parameters: [B, c], variables: [X, u], values: [[1.5, -2.0, 0.5, 2.2, 0.1, -0.9], [0.4, 0.9]] });
    expect(worst).toBeLessThan(1e-5);
  });
  it('tv, ptp and variance', () => {
    const b = parameter(4, { name: 'b' });
    const x = variable(4, 'x');
    const problem = new Problem(minimize(tv(x).mul(0.2).add(sumSquares(x.sub(b)).mul(0.5)).add(ptp(x).mul(0.1)).add(variance(x).mul(0.3))));
    const { worst } = fdGradientError({ problem, parameters: [b], variables: [x], values: [[0.2, 1.5, -0.7, 2.0]] });
    expect(worst).toBeLessThan(1e-5);
  });
});
