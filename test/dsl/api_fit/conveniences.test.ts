import { beforeAll, describe, expect, it } from 'vitest';
import {
  Problem,
  constant,
  dot,
  expressionFacts,
  maximize,
  minimize,
  norm,
  parameter,
  sum,
  sumSquares,
  transpose,
  variable,
} from '../../../dsl/index.js';
import { ShapeError, UnsupportedError, ValueError } from '../../../solvers/errors.js';
import { initSolvers } from '../../../solvers/init.js';

beforeAll(async () => {
  await initSolvers();
});

const A = [[1, -2], [3, 4]];

function solved(problem: Problem): number {
  const r = problem.solve({ tol: 1e-9 });
  expect(r.status).toBe('optimal');
  return r.value;
}

function expectArrayClose(got: unknown, want: number[] | number[][], digits = 6): void {
  const g = (got as number[] | number[][]).flat();
  const w = want.flat();
  expect(g.length).toBe(w.length);
  w.forEach((v, i) => expect(g[i]!).toBeCloseTo(v, digits));
}

describe('x.T (property)', () => {
  it('transposes a matrix, leaves vectors alone, and agrees with transpose()', () => {
    const M = constant([[1, 2, 3], [4, 5, 6]]);
    expect(M.T.shape).toEqual([3, 2]);
    expect(M.T.value!.toArray()).toEqual([[1, 4], [2, 5], [3, 6]]);
    expect(transpose(M).value!.toArray()).toEqual(M.T.value!.toArray());
    const v = variable(3);
    expect(v.T).toBe(v);
    expect(typeof (M as unknown as { T: unknown }).T).toBe('object');
  });

  it('solves min |X.T - Y|^2 with X = Y^T', () => {
    const X = variable([2, 3]);
    const Y = [[1, 2], [3, 4], [5, 6]];
    expect(solved(new Problem(minimize(sumSquares(X.T.sub(Y)))))).toBeCloseTo(0, 7);
    expectArrayClose(X.value!.toArray(), [[1, 3, 5], [2, 4, 6]]);
  });
});

describe('X.col(j) / X.row(i)', () => {
  it('return 1-D (m,) and (n,) expressions with the right entries', () => {
    const M = constant([1, 2, 3, 4, 5, 6], [2, 3]);
    expect(M.col(1).shape).toEqual([2]);
    expect(M.col(1).value!.toArray()).toEqual([2, 5]);
    expect(M.row(1).shape).toEqual([3]);
    expect(M.row(1).value!.toArray()).toEqual([4, 5, 6]);
  });

  it('compare with (m,) vectors in constraints: min |X|^2 s.t. X.row(0) = [1,2,3], X.col(2) >= [0, 2]', () => {
    const X = variable([2, 3]);
    const value = solved(new Problem(minimize(sumSquares(X)), [X.row(0).eq([1, 2, 3]), X.col(2).ge([0, 2]), X.col(0).ge([1, -1])]));
    // Closed form: row 0 fixed, X[1][2] = 2 (its bound), the rest 0: 1 + 4 + 9 + 4.
    expect(value).toBeCloseTo(18, 6);
    expectArrayClose(X.value!.toArray(), [[1, 2, 3], [0, 0, 2]]);
  });

  it('throw ShapeError on vectors and out-of-range indices', () => {
    const v = variable(3);
    const X = variable([2, 3]);
    expect(() => v.col(0)).toThrow(ShapeError);
    expect(() => v.row(0)).toThrow(/use index\(i\)/);
    expect(() => X.col(3)).toThrow(ShapeError);
    expect(() => X.row(2)).toThrow(ShapeError);
  });
});

describe('constant(flatData, shape)', () => {
  it('fills the shape row-major from number[] or Float64Array', () => {
    expect(constant([1, 2, 3, 4, 5, 6], [2, 3]).value!.toArray()).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(constant(Float64Array.of(1, 2, 3, 4, 5, 6), [3, 2]).value!.toArray()).toEqual([[1, 2], [3, 4], [5, 6]]);
    expect(constant([7], []).value!.toArray()).toBe(7);
    expect(constant([1, 2], 2).shape).toEqual([2]);
  });

  it('throws a ShapeError on a size mismatch or nested data, ValueError on NaN', () => {
    expect(() => constant([1, 2, 3, 4, 5], [2, 3])).toThrow(/needs 6 entries, the flat data has 5/);
    expect(() => constant([1, 2, 3, 4, 5], [2, 3])).toThrow(ShapeError);
    expect(() => constant([[1, 2], [3, 4]], [2, 2])).toThrow(/flat number\[\]/);
    expect(() => constant([1, Number.NaN], [2])).toThrow(ValueError);
  });
});

describe('dot(a, b)', () => {
  it('is the inner product of same-shape expressions', () => {
    expect(dot([1, 2, 3], [4, 5, 6]).value!.toArray()).toBe(32);
    expect(dot(constant(A), constant([[1, 1], [0, 2]])).value!.toArray()).toBe(1 - 2 + 0 + 8);
    expect(() => dot([1, 2, 3], [1, 2])).toThrow(ShapeError);
    expect(() => dot(variable([2, 2]), variable(4))).toThrow(/same shape/);
  });

  it('min dot(c, x) over the unit box puts x_i = 1 exactly where c_i < 0', () => {
    const x = variable(4);
    const value = solved(new Problem(minimize(dot([1, -2, 3, -1], x)), [x.ge(0), x.le(1)]));
    expect(value).toBeCloseTo(-3, 6);
    expectArrayClose(x.value!.toArray(), [0, 1, 0, 1]);
  });

  it('is DPP for parameter . variable, DCP only with one constant side', () => {
    const x = variable(3);
    const c = parameter(3, { value: [1, 2, 3] });
    const withParam = new Problem(minimize(dot(c, x)), [x.ge(0)]);
    expect(withParam.isDcp()).toBe(true);
    expect(withParam.isDpp()).toBe(true);
    const P = parameter([2, 2], { value: A });
    expect(new Problem(minimize(dot(P, variable([2, 2])))).isDpp()).toBe(true);
    expect(new Problem(minimize(dot(x, x))).isDcp()).toBe(false);
    // Two parameters times a variable is not DPP (c * c is not parameter-affine).
    expect(new Problem(minimize(dot(c.mul(c), x)), [x.ge(0)]).isDpp()).toBe(false);
  });
});

describe('norm(x, p)', () => {
  it('evaluates the vector norms p = 1, 2, Infinity, inf and the default 2', () => {
    const v = [3, -4, 0];
    expect(norm(v).value!.toArray()).toBeCloseTo(5, 12);
    expect(norm(v, 2).value!.toArray()).toBeCloseTo(5, 12);
    expect(norm(v, 1).value!.toArray()).toBeCloseTo(7, 12);
    expect(norm(v, Infinity).value!.toArray()).toBeCloseTo(4, 12);
    expect(norm(v, 'inf').value!.toArray()).toBeCloseTo(4, 12);
    expect(norm(v, 'fro').value!.toArray()).toBeCloseTo(5, 12);
  });

  it("evaluates the matrix norms as CVXPY: 'fro', induced 1 (max column sum) and Infinity (max row sum)", () => {
    expect(norm(constant(A), 'fro').value!.toArray()).toBeCloseTo(Math.sqrt(30), 12);
    expect(norm(constant(A), 1).value!.toArray()).toBeCloseTo(6, 12);
    expect(norm(constant(A), Infinity).value!.toArray()).toBeCloseTo(7, 12);
  });

  it('solves known minimum-norm problems', () => {
    const x = variable(3);
    // min |x|_2 s.t. a.x = 1: x = a / |a|^2, value 1 / |a| (a = [1, 2, 2], |a| = 3).
    expect(solved(new Problem(minimize(norm(x)), [dot([1, 2, 2], x).eq(1)]))).toBeCloseTo(1 / 3, 6);
    expectArrayClose(x.value!.toArray(), [1 / 9, 2 / 9, 2 / 9], 5);
    const y = variable(2);
    // min |y|_1 s.t. y0 + 2 y1 = 2: all weight on the cheaper coordinate, y = (0, 1).
    expect(solved(new Problem(minimize(norm(y, 1)), [y.index(0).add(y.index(1).mul(2)).eq(2)]))).toBeCloseTo(1, 6);
    // min |x|_inf s.t. sum(x) = 3: x = (1, 1, 1).
    expect(solved(new Problem(minimize(norm(x, 'inf')), [sum(x).eq(3)]))).toBeCloseTo(1, 6);
    const X = variable([2, 2]);
    // min induced 1- or inf-norm of X s.t. sum(X) = 4: two columns (rows) share 4, so 2.
    expect(solved(new Problem(minimize(norm(X, 1)), [sum(X).eq(4)]))).toBeCloseTo(2, 6);
    expect(solved(new Problem(minimize(norm(X, Infinity)), [sum(X).eq(4)]))).toBeCloseTo(2, 6);
    // min |X - A|_F s.t. X >= 0: X = max(A, 0), value |min(A, 0)|_F = 2.
    expect(solved(new Problem(minimize(norm(X.sub(A), 'fro')), [X.ge(0)]))).toBeCloseTo(2, 6);
  });

  it('is convex and nonnegative (DCP), DPP with a parameter inside', () => {
    const x = variable(3);
    const a = parameter(3, { value: [1, 2, 3] });
    for (const p of [1, 2, Infinity] as const) {
      const facts = expressionFacts(norm(x.sub(a), p), 'dpp');
      expect(facts.curvature).toBe('convex');
      expect(facts.sign).toEqual({ nonneg: true, nonpos: false });
      expect(new Problem(minimize(norm(x.sub(a), p))).isDpp()).toBe(true);
      expect(new Problem(maximize(norm(x, p))).isDcp()).toBe(false);
    }
  });

  it('sends a general p to pnorm: min ||x||_p s.t. sum(x) = 3 is 3^(1/p) at x = 1 (Hoelder)', () => {
    for (const p of [1.5, 3]) {
      const x = variable(3);
      expect(solved(new Problem(minimize(norm(x, p)), [sum(x).eq(3)]))).toBeCloseTo(3 ** (1 / p), 6);
    }
  });

  it('rejects the matrix 2-norm (SDP), other induced matrix norms and p < 1 with clear errors', () => {
    const x = variable(3);
    expect(() => norm(variable([2, 2]), 2)).toThrow(/semidefinite/);
    expect(() => norm(variable([2, 2]), 3)).toThrow(UnsupportedError);
    expect(() => norm(x, 0.5)).toThrow(ValueError);
    expect(() => norm(x, 'nuc' as never)).toThrow(ValueError);
  });
});

describe('Value.toArray()', () => {
  it('returns a number, number[] or number[][] following the shape, as a copy', () => {
    const x = variable(2);
    solved(new Problem(minimize(sumSquares(x.sub([1, 2])))));
    const arr = x.value!.toArray() as number[];
    expectArrayClose(arr, [1, 2]);
    arr[0] = 100;
    expect(x.value!.at(0)).toBeCloseTo(1, 6);
    expect(constant(5).value!.toArray()).toBe(5);
  });
});

describe('sum(x, axis, keepdims)', () => {
  it('keeps the summed axis with length 1, as CVXPY does, and the values are the sums', () => {
    const X = constant([1, 2, 3, 4, 5, 6], [2, 3]);
    expect(sum(X, 0, true).shape).toEqual([1, 3]);
    expect(sum(X, 0, true).value!.toArray()).toEqual([[5, 7, 9]]);
    expect(sum(X, 1, true).shape).toEqual([2, 1]);
    expect(sum(X, 1, true).value!.toArray()).toEqual([[6], [15]]);
    expect(sum(X, undefined, true).shape).toEqual([1, 1]);
    expect(sum(X, 0).shape).toEqual([3]);
    expect(sum(constant([1, 2, 3]), 0, true).shape).toEqual([1]);
    // The keepdims column compares with an (m, 1) matrix in a solved problem: 2 rows, each row sum pinned.
    const Y = variable([2, 3], 'Y');
    const p = new Problem(minimize(sumSquares(Y)), [sum(Y, 1, true).eq(constant([3, 6], [2, 1]))]);
    expect(p.solve({ tol: 1e-9 }).status).toBe('optimal');
    const y = Y.value!.toArray() as number[][];
    for (const [i, target] of [[0, 1], [1, 2]] as const) for (const v of y[i]!) expect(v).toBeCloseTo(target, 6);
  });
});
