/**
 * Known answers for Euclidean projections: onto the probability simplex
 * (sort-based algorithm), the l1 ball (through the simplex), the l2 ball
 * (closed form), a box (clipping, with the multipliers of the active bounds)
 * and a hyperplane (closed form).
 */
import { beforeAll, describe, it } from 'vitest';
import { bounds, minimize, norm1, norm2, Problem, soc, square, sum, sumSquares, variable } from '../../../dsl/index.js';
import { initSolvers } from '../../../solvers/init.js';
import { OBJECTIVE_FORMS, expectScalarClose, expectScalarValue, expectVectorValue, solveTight } from './harness.js';
import { dot, norm1 as refNorm1, norm2 as refNorm2, projectBox, projectL1Ball, projectL2Ball, projectSimplex, scale, sub } from './reference.js';
import { seededRandom } from './seeded_random.js';

beforeAll(async () => {
  await initSolvers();
});

const squaredDistance = (p: readonly number[], q: readonly number[]): number => dot(sub(p, q), sub(p, q));

describe.each(OBJECTIVE_FORMS)('known answers: projections ($name)', (form) => {
  const rng = seededRandom(301);

  it('onto the probability simplex: sumSquares(x - y), x >= 0, sum(x) == 1 matches the sort-based projection', () => {
    const y = rng.normalVector(10);
    const x = variable(10, 'x');
    const problem = new Problem(minimize(sumSquares(x.sub(y))), [x.ge(0), sum(x).eq(1)]);
    const value = solveTight(problem, 'simplex projection', form);
    const expected = projectSimplex(y);
    expectVectorValue(x.value, expected, 'x');
    expectScalarClose(value, squaredDistance(expected, y), 'value');
  });

  it('onto the simplex in epigraph form: min t s.t. soc(t, x - y) gives the same point and the distance', () => {
    const y = rng.normalVector(7).map((v) => 2 * v);
    const x = variable(7, 'x');
    const t = variable([], 't');
    const problem = new Problem(minimize(t), [soc(t, x.sub(y)), x.ge(0), x.sum().eq(1)]);
    const value = solveTight(problem, 'simplex projection via soc', form);
    const expected = projectSimplex(y);
    expectVectorValue(x.value, expected, 'x');
    expectScalarClose(value, refNorm2(sub(expected, y)), 'distance');
    expectScalarValue(t.value, refNorm2(sub(expected, y)), 't');
  });

  it('onto the scaled simplex {x >= 0 (attribute), sum x = 3}', () => {
    const y = rng.normalVector(6);
    const x = variable(6, { name: 'x', nonneg: true });
    const problem = new Problem(minimize(sumSquares(x.sub(y))), [sum(x).eq(3)]);
    solveTight(problem, 'scaled simplex projection', form);
    expectVectorValue(x.value, projectSimplex(y, 3), 'x');
  });

  it('onto the nonpositive orthant with a nonpos variable attribute: x = min(y, 0)', () => {
    const y = rng.normalVector(8);
    const x = variable(8, { name: 'x', nonpos: true });
    const value = solveTight(new Problem(minimize(sumSquares(x.sub(y)))), 'nonpositive orthant', form);
    expectVectorValue(x.value, y.map((v) => Math.min(v, 0)), 'x');
    expectScalarClose(value, y.reduce((s, v) => s + Math.max(v, 0) ** 2, 0), 'value');
  });

  it('onto the l1 ball {|x|_1 <= 2}: matches sign(y) * simplex projection of |y|', () => {
    const y = rng.normalVector(9).map((v) => 1.5 * v);
    const x = variable(9, 'x');
    const problem = new Problem(minimize(sumSquares(x.sub(y))), [norm1(x).le(2)]);
    const value = solveTight(problem, 'l1-ball projection', form);
    const expected = projectL1Ball(y, 2);
    expectScalarClose(refNorm1(expected), 2, 'reference lies on the sphere (y outside the ball)');
    expectVectorValue(x.value, expected, 'x');
    expectScalarClose(value, squaredDistance(expected, y), 'value');
  });

  it('onto the l2 ball {|x|_2 <= 1.5}: x = 1.5 y / |y|, distance |y| - 1.5', () => {
    const y = rng.normalVector(8).map((v) => 2 * v);
    const x = variable(8, 'x');
    const problem = new Problem(minimize(norm2(x.sub(y))), [norm2(x).le(1.5)]);
    const value = solveTight(problem, 'l2-ball projection', form);
    expectVectorValue(x.value, projectL2Ball(y, 1.5), 'x');
    expectScalarClose(value, refNorm2(y) - 1.5, 'distance');
  });

  it('onto a box with bounds(): entrywise clipping', () => {
    const y = rng.normalVector(10).map((v) => 2 * v);
    const lo = rng.uniformVector(10, -1.5, -0.2);
    const hi = rng.uniformVector(10, 0.2, 1.5);
    const x = variable(10, 'x');
    const problem = new Problem(minimize(sumSquares(x.sub(y))), [...bounds(x, lo, hi)]);
    const value = solveTight(problem, 'box projection', form);
    const expected = projectBox(y, lo, hi);
    expectVectorValue(x.value, expected, 'x');
    expectScalarClose(value, squaredDistance(expected, y), 'value');
  });

  it('onto a box with sum(square(.)): clipping, and multipliers 2 (y - hi)_+ and 2 (lo - y)_+', () => {
    const y = [2.0, -0.4, 0.3, -3.1, 1.1];
    const lo = [-1, -1, -1, -1, -1];
    const hi = [1, 1, 1, 1, 1];
    const x = variable(5, 'x');
    const upper = x.le(hi);
    const lower = x.ge(lo);
    const problem = new Problem(minimize(sum(square(x.sub(y)))), [upper, lower]);
    solveTight(problem, 'box projection with square', form);
    expectVectorValue(x.value, projectBox(y, lo, hi), 'x');
    // Stationarity 2 (x - y) + mu - nu = 0 with mu, nu >= 0 the multipliers of x <= hi, x >= lo.
    expectVectorValue(upper.dualValue, y.map((v, i) => 2 * Math.max(v - hi[i]!, 0)), 'dual of x <= hi');
    expectVectorValue(lower.dualValue, y.map((v, i) => 2 * Math.max(lo[i]! - v, 0)), 'dual of x >= lo');
  });

  it('onto the hyperplane a\'x = beta: x = y - (a\'y - beta) a / |a|^2', () => {
    const a = rng.normalVector(6);
    const y = rng.normalVector(6);
    const beta = 0.8;
    const x = variable(6, 'x');
    const problem = new Problem(minimize(sumSquares(x.sub(y))), [x.mul(a).sum().eq(beta)]);
    const value = solveTight(problem, 'hyperplane projection', form);
    const step = (dot(a, y) - beta) / dot(a, a);
    expectVectorValue(x.value, sub(y, scale(a, step)), 'x');
    expectScalarClose(value, (dot(a, y) - beta) ** 2 / dot(a, a), 'value');
  });
});
