/**
 * Robust regression checked by optimality conditions rather than by another
 * solver: Huber regression by its gradient equation A' clip(r, -M, M) = 0,
 * quantile regression by the subgradient condition A'g = 0 with
 * g_i in the pinball loss's subdifferential at r_i, and the Huber prox by its
 * closed form.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { constant, huber, maximum, minimize, neg, pos, Problem, sum, sumSquares, variable } from '../../../dsl/index.js';
import { initSolvers } from '../../../solvers/init.js';
import { OBJECTIVE_FORMS, dataOf, expectArrayClose, expectScalarClose, expectVectorValue, solveTight, TOL } from './harness.js';
import { matVec, normInf, solveLinearSystem, sub, sumOf, transpose, type Matrix } from './reference.js';
import { seededRandom } from './seeded_random.js';

beforeAll(async () => {
  await initSolvers();
});

/** CVXPY's Huber function: r^2 for |r| <= M, 2M|r| - M^2 beyond. */
const huberValue = (r: number, m: number): number => (Math.abs(r) <= m ? r * r : 2 * m * Math.abs(r) - m * m);

/** Regression data with an intercept column, Gaussian noise and a few gross outliers. */
function regressionData(seed: number, rows: number, features: number): { a: Matrix; b: number[] } {
  const rng = seededRandom(seed);
  const a = Array.from({ length: rows }, () => [1, ...rng.normalVector(features - 1)]);
  const truth = rng.normalVector(features);
  const b = matVec(a, truth).map((v, i) => v + 0.3 * rng.normal() + (i % 6 === 0 ? 6 : 0));
  return { a, b };
}

/**
 * Subgradient optimality of  min sum rho_tau(b - A x)  (pinball loss
 * rho_tau(r) = tau pos(r) + (1 - tau) neg(r)): there must be g with A'g = 0,
 * g_i = tau where r_i > 0, g_i = tau - 1 where r_i < 0, g_i in [tau - 1, tau]
 * where r_i = 0. At a vertex exactly n residuals vanish; g on them is forced.
 */
function expectQuantileOptimal(a: Matrix, b: number[], x: number[], tau: number, label: string): void {
  const r = sub(b, matVec(a, x));
  const zeroTol = 1e-6 * Math.max(1, normInf(b));
  const zero = r.map((v, i) => (Math.abs(v) <= zeroTol ? i : -1)).filter((i) => i >= 0);
  const n = x.length;
  expect(zero.length, `${label}: residuals at zero (an LP vertex has exactly ${n})`).toBe(n);
  const at = transpose(a);
  const rhs = at.map((col) => -col.reduce((s, v, i) => (zero.includes(i) ? s : s + v * (r[i]! > 0 ? tau : tau - 1)), 0));
  const gZero = solveLinearSystem(
    at.map((col) => zero.map((i) => col[i]!)),
    rhs,
  );
  for (const g of gZero) {
    expect(g, `${label}: subgradient at a zero residual >= tau - 1`).toBeGreaterThanOrEqual(tau - 1 - TOL);
    expect(g, `${label}: subgradient at a zero residual <= tau`).toBeLessThanOrEqual(tau + TOL);
  }
}

describe.each(OBJECTIVE_FORMS)('known answers: robust regression by optimality conditions ($name)', (form) => {
  it('Huber regression (M = 0.5): A\' clip(A x - b, -M, M) = 0 with both regimes active', () => {
    const { a, b } = regressionData(601, 20, 3);
    const m = 0.5;
    const x = variable(3, 'x');
    const problem = new Problem(minimize(sum(huber(constant(a).matmul(x).sub(b), m))));
    const value = solveTight(problem, 'Huber regression', form);
    const xs = dataOf(x.value, [3], 'x');
    const r = sub(matVec(a, xs), b);
    const gradient = matVec(transpose(a), r.map((v) => Math.max(-m, Math.min(m, v))));
    expectArrayClose(gradient, [0, 0, 0], 'gradient of the Huber loss at x*');
    expect(r.some((v) => Math.abs(v) > m + 0.1), 'some residuals in the linear regime').toBe(true);
    expect(r.some((v) => Math.abs(v) < m - 0.1), 'some residuals in the quadratic regime').toBe(true);
    expectScalarClose(value, sumOf(r.map((v) => huberValue(v, m))), 'value = Huber loss at x*');
  });

  it('Huber prox (default M = 1): minimize sum(huber(x)) + 0.5 sumSquares(x - y), closed form', () => {
    // Per entry: x = y / 3 when |y| <= 3 (quadratic regime), else y - 2 sign(y).
    const y = [0.5, -2.4, 4.2, -7, 3, 0];
    const x = variable(6, 'x');
    const problem = new Problem(minimize(sum(huber(x)).add(sumSquares(x.sub(y)).mul(0.5))));
    const value = solveTight(problem, 'Huber prox', form);
    const expected = y.map((v) => (Math.abs(v) <= 3 ? v / 3 : v - 2 * Math.sign(v)));
    expectVectorValue(x.value, expected, 'x');
    expectScalarClose(value, sumOf(expected.map((v, i) => huberValue(v, 1) + 0.5 * (v - y[i]!) ** 2)), 'value');
  });

  it('quantile regression (tau = 0.3) with pos/neg satisfies the subgradient condition', () => {
    const { a, b } = regressionData(602, 15, 3);
    const tau = 0.3;
    const x = variable(3, 'x');
    const r = constant(b).sub(constant(a).matmul(x));
    const loss = sum(pos(r).mul(tau).add(neg(r).mul(1 - tau)));
    const value = solveTight(new Problem(minimize(loss)), 'quantile regression pos/neg', form);
    const xs = dataOf(x.value, [3], 'x');
    expectQuantileOptimal(a, b, xs, tau, 'pos/neg');
    const residual = sub(b, matVec(a, xs));
    expectScalarClose(value, sumOf(residual.map((v) => (v > 0 ? tau * v : (tau - 1) * v))), 'value = pinball loss at x*');
  });

  it('quantile regression (tau = 0.8) with maximum(tau r, (tau - 1) r) satisfies the subgradient condition', () => {
    const { a, b } = regressionData(603, 15, 3);
    const tau = 0.8;
    const x = variable(3, 'x');
    const r = constant(b).sub(constant(a).matmul(x));
    const value = solveTight(new Problem(minimize(sum(maximum(r.mul(tau), r.mul(tau - 1))))), 'quantile regression maximum', form);
    const xs = dataOf(x.value, [3], 'x');
    expectQuantileOptimal(a, b, xs, tau, 'maximum');
    const residual = sub(b, matVec(a, xs));
    expectScalarClose(value, sumOf(residual.map((v) => (v > 0 ? tau * v : (tau - 1) * v))), 'value = pinball loss at x*');
  });
});
