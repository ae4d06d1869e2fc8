/**
 * Known answers for the power-type atoms: quadOverLin, sqrt, invPos and
 * power(x, p) for p in {2, 3, 1.5} (convex), {0.5, 0.3} (concave) and
 * {-1, -0.5} (convex, decreasing), each at a closed-form stationary point.
 * Non-quadratic exponents exercise the power cone.
 */
import { beforeAll, describe, it } from 'vitest';
import { invPos, maximize, minimize, power, Problem, quadOverLin, sqrt, sum, variable } from '../../../dsl/index.js';
import { initSolvers } from '../../../solvers/init.js';
import { expectScalarClose, expectScalarValue, expectVectorValue, solveTight } from './harness.js';
import { dot, norm2, sumOf } from './reference.js';

beforeAll(async () => {
  await initSolvers();
});

const coefficients = [0.5, 1, 2.2];

describe('known answers: power cone and quadOverLin', () => {
  it('minimize quadOverLin(x, y) s.t. sum(x) == 3, y <= 2: x = 1, y = 2, value 9 / (3 * 2)', () => {
    const x = variable(3, 'x');
    const y = variable([], 'y');
    const problem = new Problem(minimize(quadOverLin(x, y)), [sum(x).eq(3), y.le(2)]);
    const value = solveTight(problem, 'quadOverLin, decreasing in y');
    expectScalarClose(value, 1.5, 'value');
    expectVectorValue(x.value, [1, 1, 1], 'x');
    expectScalarValue(y.value, 2, 'y');
  });

  it('minimize quadOverLin(u, t) + t s.t. u == a: t = |a|_2, value 2 |a|_2 (AM-GM)', () => {
    const a = [1.2, -0.7, 2.1, 0.4];
    const u = variable(4, 'u');
    const t = variable([], 't');
    const problem = new Problem(minimize(quadOverLin(u, t).add(t)), [u.eq(a)]);
    const value = solveTight(problem, 'quadOverLin AM-GM');
    expectScalarClose(value, 2 * norm2(a), 'value');
    expectScalarValue(t.value, norm2(a), 't');
  });

  it('maximize sqrt(x) - x / 2: x = 1, value 1/2', () => {
    const x = variable([], 'x');
    const problem = new Problem(maximize(sqrt(x).sub(x.div(2))));
    const value = solveTight(problem, 'sqrt stationary point');
    expectScalarValue(x.value, 1, 'x');
    expectScalarClose(value, 0.5, 'value');
  });

  it('maximize sum(w .* sqrt(x)) s.t. sum(x) == 1: x = w^2 / |w|^2, value |w|_2 (Cauchy-Schwarz)', () => {
    const w = [0.3, 1.1, 0.8, 2.0];
    const x = variable(4, 'x');
    const problem = new Problem(maximize(sum(sqrt(x).mul(w))), [sum(x).eq(1)]);
    const value = solveTight(problem, 'weighted sqrt');
    expectVectorValue(x.value, w.map((v) => (v * v) / dot(w, w)), 'x');
    expectScalarClose(value, norm2(w), 'value');
  });

  it('minimize invPos(x) + x: x = 1, value 2', () => {
    const x = variable([], 'x');
    const problem = new Problem(minimize(invPos(x).add(x)));
    const value = solveTight(problem, 'invPos stationary point');
    expectScalarValue(x.value, 1, 'x');
    expectScalarClose(value, 2, 'value');
  });

  it('minimize sum(invPos(x)) s.t. a\'x == 1: x_i = 1 / (sqrt(a_i) sum sqrt(a)), value (sum sqrt(a))^2', () => {
    const a = [0.25, 1, 4, 2];
    const roots = a.map(Math.sqrt);
    const x = variable(4, 'x');
    const problem = new Problem(minimize(sum(invPos(x))), [x.mul(a).sum().eq(1)]);
    const value = solveTight(problem, 'invPos budget');
    expectVectorValue(x.value, roots.map((r) => 1 / (r * sumOf(roots))), 'x');
    expectScalarClose(value, sumOf(roots) ** 2, 'value');
  });

  for (const p of [2, 3, 1.5]) {
    it(`minimize sum(power(x, ${p})) - c'x on x >= 0: x = (c / p)^(1 / (p - 1))`, () => {
      const x = variable(3, 'x');
      const problem = new Problem(minimize(sum(power(x, p)).sub(x.mul(coefficients).sum())), [x.ge(0)]);
      const value = solveTight(problem, `power ${p}`);
      const expected = coefficients.map((c) => (c / p) ** (1 / (p - 1)));
      expectVectorValue(x.value, expected, 'x');
      expectScalarClose(value, sumOf(expected.map((v, i) => v ** p - coefficients[i]! * v)), 'value');
    });
  }

  for (const p of [0.5, 0.3]) {
    it(`maximize sum(power(x, ${p})) - c'x: x = (p / c)^(1 / (1 - p))`, () => {
      const x = variable(3, 'x');
      const problem = new Problem(maximize(sum(power(x, p)).sub(x.mul(coefficients).sum())));
      const value = solveTight(problem, `power ${p}`);
      const expected = coefficients.map((c) => (p / c) ** (1 / (1 - p)));
      expectVectorValue(x.value, expected, 'x');
      expectScalarClose(value, sumOf(expected.map((v, i) => v ** p - coefficients[i]! * v)), 'value');
    });
  }

  for (const p of [-1, -0.5]) {
    it(`minimize sum(power(x, ${p})) + c'x: x = (c / ${-p})^(1 / (p - 1))`, () => {
      const x = variable(3, 'x');
      const problem = new Problem(minimize(sum(power(x, p)).add(x.mul(coefficients).sum())));
      const value = solveTight(problem, `power ${p}`);
      const expected = coefficients.map((c) => (c / -p) ** (1 / (p - 1)));
      expectVectorValue(x.value, expected, 'x');
      expectScalarClose(value, sumOf(expected.map((v, i) => v ** p + coefficients[i]! * v)), 'value');
    });
  }

  it('maximize x s.t. power(x, 3) <= 8: x = 2 (power in a constraint)', () => {
    const x = variable([], 'x');
    const problem = new Problem(maximize(x), [power(x, 3).le(8), x.ge(0)]);
    const value = solveTight(problem, 'power constraint');
    expectScalarClose(value, 2, 'value');
  });
});
