/**
 * Known answers for the piecewise-linear atoms and the norms: abs (median),
 * norm1 (soft thresholding), max, min, maximum, minimum (closed-form prox and
 * kinks), sumLargest (sum of the k largest), and the distance from a point to
 * a hyperplane in the l1, l2 and l-infinity norms (the dual norm of the normal).
 */
import { beforeAll, describe, it } from 'vitest';
import {
  abs,
  max,
  maximize,
  maximum,
  min,
  minimize,
  minimum,
  norm1,
  norm2,
  normInf,
  Problem,
  sum,
  sumLargest,
  sumSquares,
  variable,
} from '../../../dsl/index.js';
import { initSolvers } from '../../../solvers/init.js';
import { expectScalarClose, expectScalarValue, expectVectorValue, solveTight } from './harness.js';
import {
  dot,
  median,
  norm1 as refNorm1,
  norm2 as refNorm2,
  normInf as refNormInf,
  scale,
  softThreshold,
  sub,
  sumLargest as refSumLargest,
  sumOf,
} from './reference.js';
import { seededRandom } from './seeded_random.js';

beforeAll(async () => {
  await initSolvers();
});

describe('known answers: piecewise-linear atoms and norms', () => {
  const rng = seededRandom(501);

  it('minimize sum(abs(x 1 - a)) over a scalar x: the median, value sum |a - median|', () => {
    const a = rng.normalVector(7);
    const x = variable([], 'x');
    const problem = new Problem(minimize(sum(abs(x.mul([1, 1, 1, 1, 1, 1, 1]).sub(a)))));
    const value = solveTight(problem, 'median');
    const m = median(a);
    expectScalarValue(x.value, m, 'x');
    expectScalarClose(value, sumOf(a.map((v) => Math.abs(v - m))), 'value');
  });

  it('minimize 0.5 sumSquares(x - y) + 0.4 norm1(x): soft thresholding', () => {
    const y = rng.normalVector(9);
    const x = variable(9, 'x');
    const problem = new Problem(minimize(sumSquares(x.sub(y)).mul(0.5).add(norm1(x).mul(0.4))));
    const value = solveTight(problem, 'soft threshold');
    const expected = softThreshold(y, 0.4);
    expectVectorValue(x.value, expected, 'x');
    const r = sub(expected, y);
    expectScalarClose(value, 0.5 * dot(r, r) + 0.4 * refNorm1(expected), 'value');
  });

  it('minimize max(x) s.t. sum(x) == 5: all entries 5 / n', () => {
    const x = variable(4, 'x');
    const problem = new Problem(minimize(max(x)), [sum(x).eq(5)]);
    const value = solveTight(problem, 'min max');
    expectScalarClose(value, 1.25, 'value');
    expectVectorValue(x.value, [1.25, 1.25, 1.25, 1.25], 'x');
  });

  it('maximize min(x) s.t. a\'x == 1 (a > 0): all entries 1 / sum(a)', () => {
    const a = [0.5, 2, 1.5, 1];
    const x = variable(4, 'x');
    const problem = new Problem(maximize(min(x)), [x.mul(a).sum().eq(1)]);
    const value = solveTight(problem, 'max min');
    expectScalarClose(value, 0.2, 'value');
    expectVectorValue(x.value, [0.2, 0.2, 0.2, 0.2], 'x');
  });

  it('minimize sum(maximum(x, a)) + 0.5 sumSquares(x - y): prox of the hinge, closed form', () => {
    // Per entry: x = y - 1 if y - 1 > a; x = y if y < a; else x = a.
    const a = [0, 0.5, -1, 1, 0.2];
    const y = [2, 0.1, -0.5, 1.6, 3];
    const x = variable(5, 'x');
    const problem = new Problem(minimize(sum(maximum(x, a)).add(sumSquares(x.sub(y)).mul(0.5))));
    const value = solveTight(problem, 'maximum prox');
    const expected = y.map((v, i) => (v - 1 > a[i]! ? v - 1 : v < a[i]! ? v : a[i]!));
    expectVectorValue(x.value, expected, 'x');
    const objective = sumOf(expected.map((v, i) => Math.max(v, a[i]!) + 0.5 * (v - y[i]!) ** 2));
    expectScalarClose(value, objective, 'value');
  });

  it('minimize maximum(x - 1, 2 - 2x, 0.5 x): the kink at x = 0.8, value 0.4', () => {
    const x = variable([], 'x');
    const problem = new Problem(minimize(maximum(x.sub(1), x.mul(-2).add(2), x.mul(0.5))));
    const value = solveTight(problem, 'maximum of three lines');
    expectScalarClose(value, 0.4, 'value');
    expectScalarValue(x.value, 0.8, 'x');
  });

  it('maximize sum(minimum(x, a)) - 0.5 sumSquares(x - y): closed form', () => {
    // Per entry: x = y + 1 if y + 1 < a; x = y if y > a; else x = a.
    const a = [0, 0.5, -1, 1, 0.2];
    const y = [-2, 0.1, -0.5, 1.6, 3];
    const x = variable(5, 'x');
    const problem = new Problem(maximize(sum(minimum(x, a)).sub(sumSquares(x.sub(y)).mul(0.5))));
    const value = solveTight(problem, 'minimum prox');
    const expected = y.map((v, i) => (v + 1 < a[i]! ? v + 1 : v > a[i]! ? v : a[i]!));
    expectVectorValue(x.value, expected, 'x');
    const objective = sumOf(expected.map((v, i) => Math.min(v, a[i]!) - 0.5 * (v - y[i]!) ** 2));
    expectScalarClose(value, objective, 'value');
  });

  it('maximize minimum(x + 1, 3 - x, 2.5): x = 1, value 2', () => {
    const x = variable([], 'x');
    const problem = new Problem(maximize(minimum(x.add(1), x.negate().add(3), 2.5)));
    const value = solveTight(problem, 'minimum of three');
    expectScalarClose(value, 2, 'value');
    expectScalarValue(x.value, 1, 'x');
  });

  it('minimize sumLargest(x, 3) s.t. x >= a: value = sum of the 3 largest entries of a', () => {
    const a = rng.normalVector(8);
    const x = variable(8, 'x');
    const objective = sumLargest(x, 3);
    const problem = new Problem(minimize(objective), [x.ge(a)]);
    const value = solveTight(problem, 'sumLargest');
    expectScalarClose(value, refSumLargest(a, 3), 'value');
    expectScalarValue(objective.value, refSumLargest(a, 3), 'sumLargest evaluated at x*');
  });

  it('minimize sumLargest(x, 2) s.t. sum(x) == 6: all entries 6 / n, value 2 * 6 / n', () => {
    const x = variable(5, 'x');
    const problem = new Problem(minimize(sumLargest(x, 2)), [sum(x).eq(6)]);
    const value = solveTight(problem, 'sumLargest, equal split');
    expectScalarClose(value, 2.4, 'value');
    expectVectorValue(x.value, [1.2, 1.2, 1.2, 1.2, 1.2], 'x');
  });

  describe('distance from y to the hyperplane a\'x = beta is |a\'y - beta| / (dual norm of a)', () => {
    const a = rng.normalVector(6);
    const y = rng.normalVector(6);
    const beta = 1.3;
    const gap = dot(a, y) - beta;

    it('l2: divided by |a|_2, moving along a', () => {
      const x = variable(6, 'x');
      const problem = new Problem(minimize(norm2(x.sub(y))), [x.mul(a).sum().eq(beta)]);
      const value = solveTight(problem, 'l2 distance');
      expectScalarClose(value, Math.abs(gap) / refNorm2(a), 'distance');
      expectVectorValue(x.value, sub(y, scale(a, gap / dot(a, a))), 'x');
    });

    it('l1: divided by |a|_inf, moving only the coordinate of largest |a_j|', () => {
      const x = variable(6, 'x');
      const problem = new Problem(minimize(norm1(x.sub(y))), [x.mul(a).sum().eq(beta)]);
      const value = solveTight(problem, 'l1 distance');
      expectScalarClose(value, Math.abs(gap) / refNormInf(a), 'distance');
      const j = a.reduce((best, v, i) => (Math.abs(v) > Math.abs(a[best]!) ? i : best), 0);
      expectVectorValue(x.value, y.map((v, i) => (i === j ? v - gap / a[j]! : v)), 'x');
    });

    it('l-infinity: divided by |a|_1, moving every coordinate by the same amount along sign(a)', () => {
      const x = variable(6, 'x');
      const problem = new Problem(minimize(normInf(x.sub(y))), [x.mul(a).sum().eq(beta)]);
      const value = solveTight(problem, 'l-infinity distance');
      expectScalarClose(value, Math.abs(gap) / refNorm1(a), 'distance');
      const t = gap / refNorm1(a);
      expectVectorValue(x.value, y.map((v, i) => v - t * Math.sign(a[i]!)), 'x');
    });
  });
});
