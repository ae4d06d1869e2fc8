/**
 * Known answers for linear programs (zero and nonnegative cones): a textbook
 * LP with its vertex and shadow prices, a random LP with a planted primal-dual
 * pair, the simplex LP with its reduced costs, and Chebyshev centers.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { constant, maximize, minimize, Problem, sum, variable } from '../../../dsl/index.js';
import { initSolvers } from '../../../solvers/init.js';
import { dataOf, expectScalarClose, expectScalarValue, expectVectorValue, scalarOf, solveTight, TOL } from './harness.js';
import { dot, incircle, matVec, norm2, sub } from './reference.js';
import { seededRandom } from './seeded_random.js';

beforeAll(async () => {
  await initSolvers();
});

describe('known answers: linear programs', () => {
  it('Wyndor Glass LP (Hillier & Lieberman): vertex (2, 6), value 36, shadow prices (0, 1.5, 1)', () => {
    // maximize 3 x0 + 5 x1  s.t.  x0 <= 4,  2 x1 <= 12,  3 x0 + 2 x1 <= 18,  x >= 0.
    const x = variable(2, { name: 'x', nonneg: true });
    const plant1 = x.index(0).le(4);
    const plant2 = x.index(1).mul(2).le(12);
    const plant3 = x.mul([3, 2]).sum().le(18);
    const problem = new Problem(maximize(x.mul([3, 5]).sum()), [plant1, plant2, plant3]);
    const value = solveTight(problem, 'Wyndor LP');
    expectScalarClose(value, 36, 'optimal value');
    expectVectorValue(x.value, [2, 6], 'x');
    // Shadow prices: the optimal value grows by y_i per unit of the i-th right-hand side.
    expectScalarValue(plant1.dualValue, 0, 'dual of x0 <= 4');
    expectScalarValue(plant2.dualValue, 1.5, 'dual of 2 x1 <= 12');
    expectScalarValue(plant3.dualValue, 1, 'dual of 3 x0 + 2 x1 <= 18');
  });

  it('random LP with a planted nondegenerate primal-dual pair (complementary slackness)', () => {
    // Rows 0..3 active with multipliers lambda > 0, rows 4..7 slack; c = -A_active' lambda
    // makes x* the unique minimizer of c'x s.t. A x <= b, with dual (lambda, 0).
    const rng = seededRandom(201);
    const n = 4;
    const m = 8;
    const a = rng.normalMatrix(m, n);
    const xStar = rng.normalVector(n);
    const lambda = [...rng.uniformVector(n, 0.5, 2), 0, 0, 0, 0];
    const slack = [0, 0, 0, 0, ...rng.uniformVector(m - n, 0.5, 2)];
    const b = matVec(a, xStar).map((v, i) => v + slack[i]!);
    const c = Array.from({ length: n }, (_, j) => -a.reduce((s, row, i) => s + lambda[i]! * row[j]!, 0));
    const x = variable(n, 'x');
    const rows = constant(a).matmul(x).le(b);
    const problem = new Problem(minimize(x.mul(c).sum()), [rows]);
    const value = solveTight(problem, 'planted LP');
    expectVectorValue(x.value, xStar, 'x');
    expectScalarClose(value, dot(c, xStar), 'value');
    expectVectorValue(rows.dualValue, lambda, 'dual of A x <= b');
  });

  it('min c\'x over the probability simplex: value min(c) at a vertex, reduced costs as duals', () => {
    const c = [0.7, -0.3, 1.2, 0.4, -0.1, 2.0];
    const x = variable(6, 'x');
    const nonneg = x.ge(0);
    const total = sum(x).eq(1);
    const problem = new Problem(minimize(x.mul(c).sum()), [nonneg, total]);
    const value = solveTight(problem, 'simplex LP');
    expectScalarClose(value, -0.3, 'value');
    expectVectorValue(x.value, [0, 1, 0, 0, 0, 0], 'x');
    // d p*/d(rhs of sum x == 1) = min c; the multipliers of x >= 0 are c - min c.
    expectScalarValue(total.dualValue, -0.3, 'dual of sum(x) == 1');
    expectVectorValue(nonneg.dualValue, c.map((v) => v + 0.3), 'dual of x >= 0');
  });

  it('Chebyshev center of a triangle is its incenter, radius area / semiperimeter', () => {
    const vertices = [
      [0.3, -0.2],
      [4.1, 0.5],
      [1.2, 3.3],
    ];
    const center = variable(2, 'center');
    const radius = variable([], 'radius');
    const constraints = [];
    for (let k = 0; k < 3; k++) {
      const p = vertices[k]!;
      const q = vertices[(k + 1) % 3]!;
      const opposite = vertices[(k + 2) % 3]!;
      // Edge p-q as a'z <= beta with a pointing away from the opposite vertex.
      let normal = [q[1]! - p[1]!, p[0]! - q[0]!];
      if (dot(normal, sub(opposite, p)) > 0) normal = normal.map((v) => -v);
      const beta = dot(normal, p);
      constraints.push(center.mul(normal).sum().add(radius.mul(norm2(normal))).le(beta));
    }
    const problem = new Problem(maximize(radius), constraints);
    const value = solveTight(problem, 'triangle Chebyshev center');
    const expected = incircle(vertices[0]!, vertices[1]!, vertices[2]!);
    expectScalarClose(value, expected.radius, 'radius (value)');
    expectScalarValue(radius.value, expected.radius, 'radius');
    expectVectorValue(center.value, expected.center, 'center');
  });

  it('Chebyshev center of a box: radius = half the narrowest width, centered along that axis', () => {
    const lo = [-1, 0.5, 2];
    const hi = [3, 1.7, 5];
    const center = variable(3, 'center');
    const radius = variable([], 'radius');
    const constraints = [];
    for (let i = 0; i < 3; i++) {
      constraints.push(center.index(i).add(radius).le(hi[i]!));
      constraints.push(center.index(i).sub(radius).ge(lo[i]!));
    }
    const problem = new Problem(maximize(radius), constraints);
    const value = solveTight(problem, 'box Chebyshev center');
    expectScalarClose(value, 0.6, 'radius');
    expectScalarValue(radius.value, 0.6, 'radius variable');
    const c = dataOf(center.value, [3], 'center');
    expectScalarClose(c[1]!, 1.1, 'center along the narrowest axis');
    // The other coordinates may sit anywhere that keeps the ball inside the box.
    for (const i of [0, 2]) {
      expect(c[i]!, `center[${i}] >= lo + r`).toBeGreaterThanOrEqual(lo[i]! + 0.6 - TOL);
      expect(c[i]!, `center[${i}] <= hi - r`).toBeLessThanOrEqual(hi[i]! - 0.6 + TOL);
    }
    expect(scalarOf(radius.value, 'radius')).toBeGreaterThan(0);
  });
});
