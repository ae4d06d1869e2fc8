/**
 * Issue 12, reductions along an axis (max, min, norm1, norm2, normInf,
 * pnorm, quadOverLin with axis / keepdims), cumsum along an axis and cummax.
 * Known answers are closed forms of per-line problems; values are checked
 * against entry-by-entry arithmetic here; gradients against central
 * differences of the float64 solve.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  Problem,
  constant,
  cummax,
  cumsum,
  max,
  maximize,
  min,
  minimize,
  norm1,
  norm2,
  normInf,
  parameter,
  pnorm,
  quadOverLin,
  sum,
  sumSquares,
  variable,
} from '../../../dsl/index.js';
import { ShapeError } from '../../../solvers/errors.js';
import { initSolvers } from '../../../solvers/init.js';
import { expectArrayClose, expectMatrixValue, expectScalarClose, solveTight } from '../known_answers/harness.js';
import { fdGradientError } from './fd_gradient.js';

beforeAll(async () => {
  await initSolvers();
});

const A = [
  [0.7, -1.3, 0.4],
  [2.1, 0.2, -0.6],
];
const rows = A;
const cols = [0, 1, 2].map((j) => A.map((r) => r[j]!));

describe('values and shapes along an axis', () => {
  it('axis 0 reduces each column, axis 1 each row; keepdims keeps a length-1 axis', () => {
    const X = constant(A);
    const cases: [string, (axis?: number, keep?: boolean) => ReturnType<typeof max>, (v: number[]) => number][] = [
      ['max', (a, k) => max(X, a, k), (v) => Math.max(...v)],
      ['min', (a, k) => min(X, a, k), (v) => Math.min(...v)],
      ['norm1', (a, k) => norm1(X, a, k), (v) => v.reduce((s, x) => s + Math.abs(x), 0)],
      ['norm2', (a, k) => norm2(X, a, k), (v) => Math.hypot(...v)],
      ['normInf', (a, k) => normInf(X, a, k), (v) => Math.max(...v.map(Math.abs))],
      ['pnorm 3', (a, k) => pnorm(X, 3, a, k), (v) => Math.cbrt(v.reduce((s, x) => s + Math.abs(x) ** 3, 0))],
      ['quadOverLin / 2', (a, k) => quadOverLin(X, 2, a, k), (v) => v.reduce((s, x) => s + x * x, 0) / 2],
    ];
    for (const [name, build, ref] of cases) {
      expect([...build(0).shape], `${name} axis 0`).toEqual([3]);
      expectArrayClose(build(0).value!.data, cols.map(ref), `${name} axis 0`, 1e-12);
      expect([...build(1).shape], `${name} axis 1`).toEqual([2]);
      expectArrayClose(build(1).value!.data, rows.map(ref), `${name} axis 1`, 1e-12);
      expect([...build(0, true).shape], `${name} keepdims 0`).toEqual([1, 3]);
      expect([...build(1, true).shape], `${name} keepdims 1`).toEqual([2, 1]);
      expect([...build(undefined, true).shape], `${name} keepdims all`).toEqual([1, 1]);
      expectScalarClose(build(undefined, true).value!.data[0]!, ref(A.flat()), `${name} all`, 1e-12);
      expect(() => build(2), `${name} axis 2`).toThrow(ShapeError);
    }
    expect([...max([1, 5, 2], 0).shape]).toEqual([]);
    expect([...max([1, 5, 2], 0, true).shape]).toEqual([1]);
  });

  it('cumsum and cummax along both axes', () => {
    const X = constant(A);
    expectArrayClose(cumsum(X, 0).value!.data, [0.7, -1.3, 0.4, 2.8, -1.1, -0.2], 'cumsum axis 0', 1e-12);
    expectArrayClose(cumsum(X, 1).value!.data, [0.7, -0.6, -0.2, 2.1, 2.3, 1.7], 'cumsum axis 1', 1e-12);
    expectArrayClose(cummax(X, 0).value!.data, [0.7, -1.3, 0.4, 2.1, 0.2, 0.4], 'cummax axis 0', 1e-12);
    expectArrayClose(cummax(X, 1).value!.data, [0.7, 0.7, 0.7, 2.1, 2.1, 2.1], 'cummax axis 1', 1e-12);
    expectArrayClose(cummax([3, 1, 4, 1, 5]).value!.data, [3, 3, 4, 4, 5], 'cummax vector', 0);
    expect(() => cummax(X, 2)).toThrow(ShapeError);
  });
});

describe('known answers along an axis', () => {
  const r = [1.2, -0.9];
  const c = [0.6, -1.5, 2.4];
  it('min sum(normInf(X, axis=1)) s.t. row sums r: each row is r_i / n, value sum |r_i| / n', () => {
    const X = variable([2, 3], 'X');
    const value = solveTight(new Problem(minimize(sum(normInf(X, 1))), [X.sum(1).eq(r)]), 'normInf axis 1');
    expectScalarClose(value, (1.2 + 0.9) / 3, 'value');
    expectMatrixValue(X.value, r.map((v) => [v / 3, v / 3, v / 3]), 'X');
  });
  it('min sum(norm2(X, axis=0)) s.t. column sums c: value sum |c_j| / sqrt(m)', () => {
    const X = variable([2, 3], 'X');
    const value = solveTight(new Problem(minimize(sum(norm2(X, 0))), [X.sum(0).eq(c)]), 'norm2 axis 0');
    expectScalarClose(value, c.reduce((s, v) => s + Math.abs(v), 0) / Math.SQRT2, 'value');
  });
  it('min sum(pnorm(X, 3, axis=0)) s.t. column sums c: value sum |c_j| m^(1/3 - 1)', () => {
    const X = variable([2, 3], 'X');
    const value = solveTight(new Problem(minimize(sum(pnorm(X, 3, 0))), [X.sum(0).eq(c)]), 'pnorm axis 0');
    expectScalarClose(value, c.reduce((s, v) => s + Math.abs(v), 0) * 2 ** (1 / 3 - 1), 'value');
  });
  it('min sum(max(X, axis=0)) and max sum(min(X, axis=1)): the means c_j / m and r_i / n', () => {
    const X = variable([2, 3], 'X');
    expectScalarClose(solveTight(new Problem(minimize(sum(max(X, 0))), [X.sum(0).eq(c)]), 'max axis 0'), (0.6 - 1.5 + 2.4) / 2, 'max value');
    const Y = variable([2, 3], 'Y');
    expectScalarClose(solveTight(new Problem(maximize(sum(min(Y, 1))), [Y.sum(1).eq(r)]), 'min axis 1'), (1.2 - 0.9) / 3, 'min value');
  });
  it('min sum(quadOverLin(X, y, axis=1)) + y s.t. row sums r: y = sqrt(S / n), value 2 sqrt(S / n), S = |r|^2', () => {
    const X = variable([2, 3], 'X');
    const y = variable([], 'y');
    const value = solveTight(new Problem(minimize(sum(quadOverLin(X, y, 1)).add(y)), [X.sum(1).eq(r)]), 'quadOverLin axis 1');
    const S = r[0]! ** 2 + r[1]! ** 2;
    expectScalarClose(value, 2 * Math.sqrt(S / 3), 'value');
    expectScalarClose(y.value!.at(), Math.sqrt(S / 3), 'y');
  });
  it('min sum(cummax(x)) + |x - b|^2 / 2 is a local (hence global, convex) minimum of the float64 objective', () => {
    const b = [0.3, -0.5, 1.2];
    const x = variable(3, 'x');
    const value = solveTight(new Problem(minimize(sum(cummax(x)).add(sumSquares(x.sub(b)).mul(0.5)))), 'cummax prox');
    // Independent check: coordinate search on the float64 objective from the solver's point finds nothing lower.
    const f = (v: number[]) => v.reduce((s, _, i) => s + Math.max(...v.slice(0, i + 1)), 0) + 0.5 * v.reduce((s, vi, i) => s + (vi - b[i]!) ** 2, 0);
    const xs = Array.from(x.value!.data);
    expectScalarClose(f(xs), value, 'value at the point');
    for (const h of [1e-2, 1e-3]) for (let i = 0; i < 3; i++) for (const s of [-1, 1]) {
      const probe = xs.slice();
      probe[i]! += s * h;
      expect(f(probe)).toBeGreaterThan(value - 1e-7);
    }
  });
});

describe('gradients along an axis match central differences', () => {
  it('norm2(X - P, axis=1) + |X|^2 / 2 and normInf along axis 0', () => {
    const P = parameter([2, 3], { name: 'P' });
    const X = variable([2, 3], 'X');
    const problem = new Problem(minimize(sum(norm2(X.sub(P), 1)).add(sumSquares(X).mul(0.5)).add(sum(normInf(X, 0)).mul(0.1))));
    const { worst } = fdGradientError({ problem, parameters: [P], variables: [X], values: [[1.5, -2.0, 0.7, 0.3, 2.2, -1.4]] });
    expect(worst).toBeLessThan(1e-5);
  });
  it('cummax(x) prox with a parameter b, and max along axis 1', () => {
    const b = parameter(4, { name: 'b' });
    const x = variable(4, 'x');
    const problem = new Problem(minimize(sum(cummax(x)).add(sumSquares(x.sub(b)).mul(0.5)).add(sum(max(x.reshape([2, 2]), 1)).mul(0.2))));
    const { worst } = fdGradientError({ problem, parameters: [b], variables: [x], values: [[0.3, -0.5, 1.9, 0.2]] });
    expect(worst).toBeLessThan(1e-5);
  });
});
