/**
 * Known answers for quadratic objectives: least squares against the normal
 * equations, equality-constrained least squares against its KKT system,
 * ridge regression and quadForm against direct linear solves, and DPP
 * re-solves with new parameter values.
 */
import { beforeAll, describe, it } from 'vitest';
import { constant, minimize, norm2, parameter, Problem, quadForm, sumSquares, variable } from '../../../dsl/index.js';
import { initSolvers } from '../../../solvers/init.js';
import { OBJECTIVE_FORMS, expectScalarClose, expectVectorValue, solveTight } from './harness.js';
import {
  addMatrices,
  choleskySolve,
  constrainedLeastSquares,
  dot,
  identity,
  leastSquares,
  matMul,
  matVec,
  norm2 as refNorm2,
  scale,
  sub,
  transpose,
} from './reference.js';
import { seededRandom } from './seeded_random.js';

beforeAll(async () => {
  await initSolvers();
});

describe.each(OBJECTIVE_FORMS)('known answers: least squares and quadratic forms ($name)', (form) => {
  const rng = seededRandom(101);
  const a = rng.normalMatrix(12, 5);
  const b = rng.normalVector(12);
  const xStar = leastSquares(a, b);
  const residual = sub(matVec(a, xStar), b);

  it('sumSquares(A x - b) matches the normal equations A\'A x = A\'b', () => {
    const x = variable(5, 'x');
    const problem = new Problem(minimize(sumSquares(constant(a).matmul(x).sub(b))));
    const value = solveTight(problem, 'least squares', form);
    expectVectorValue(x.value, xStar, 'x');
    expectScalarClose(value, dot(residual, residual), 'optimal value |A x* - b|^2');
  });

  it('norm2(A x - b) has the same minimizer and value |A x* - b|_2 (second-order cone)', () => {
    const x = variable(5, 'x');
    const problem = new Problem(minimize(norm2(constant(a).matmul(x).sub(b))));
    const value = solveTight(problem, 'least norm2 residual', form);
    expectVectorValue(x.value, xStar, 'x');
    expectScalarClose(value, refNorm2(residual), 'optimal value |A x* - b|_2');
  });

  it('equality-constrained least squares matches the KKT system, including the dual of C x = d', () => {
    const c = rng.normalMatrix(2, 5);
    const d = rng.normalVector(2);
    const { x: xKkt, nu } = constrainedLeastSquares(a, b, c, d);
    const x = variable(5, 'x');
    const equality = constant(c).matmul(x).eq(d);
    const problem = new Problem(minimize(sumSquares(constant(a).matmul(x).sub(b))), [equality]);
    const value = solveTight(problem, 'constrained least squares', form);
    expectVectorValue(x.value, xKkt, 'x');
    const r = sub(matVec(a, xKkt), b);
    expectScalarClose(value, dot(r, r), 'optimal value');
    // CVXPY's sign convention: the dual y of `lhs == rhs` enters the Lagrangian as
    // f - y'(lhs - rhs), so y = d p*/d(rhs) = -nu for nu of the KKT system above.
    expectVectorValue(equality.dualValue, scale(nu, -1), 'dual of C x == d');
  });

  it('ridge regression with a nonneg parameter lambda matches (A\'A + lambda I) x = A\'b for each lambda', () => {
    const lambda = parameter([], { name: 'lambda', nonneg: true });
    const x = variable(5, 'x');
    const problem = new Problem(minimize(sumSquares(constant(a).matmul(x).sub(b)).add(lambda.mul(sumSquares(x)))));
    const ata = matMul(transpose(a), a);
    const atb = matVec(transpose(a), b);
    for (const l of [0.1, 1, 7.5]) {
      lambda.value = l;
      const value = solveTight(problem, `ridge lambda=${l}`, form);
      const expected = choleskySolve(addMatrices(ata, identity(5), l), atb);
      expectVectorValue(x.value, expected, `x at lambda=${l}`);
      const r = sub(matVec(a, expected), b);
      expectScalarClose(value, dot(r, r) + l * dot(expected, expected), `value at lambda=${l}`);
    }
  });

  it('re-solving with new values of parameters A and b gives each new least-squares answer', () => {
    const ap = parameter([8, 3], { name: 'A' });
    const bp = parameter([8], { name: 'b' });
    const x = variable(3, 'x');
    const problem = new Problem(minimize(sumSquares(ap.matmul(x).sub(bp))));
    const data = seededRandom(102);
    for (let trial = 0; trial < 3; trial++) {
      const at = data.normalMatrix(8, 3);
      const bt = data.normalVector(8);
      ap.value = at;
      bp.value = Float64Array.from(bt);
      const value = solveTight(problem, `parametrized least squares, trial ${trial}`, form);
      const expected = leastSquares(at, bt);
      expectVectorValue(x.value, expected, `x, trial ${trial}`);
      const r = sub(matVec(at, expected), bt);
      expectScalarClose(value, dot(r, r), `value, trial ${trial}`);
    }
  });

  describe('quadForm with a constant positive definite P', () => {
    const m = rng.normalMatrix(5, 5);
    const p = addMatrices(matMul(transpose(m), m), identity(5));
    const q = rng.normalVector(5);

    it('unconstrained: min x\'Px + q\'x has x* = -P^-1 q / 2 and value -q\'P^-1 q / 4', () => {
      const x = variable(5, 'x');
      const problem = new Problem(minimize(quadForm(x, p).add(x.mul(q).sum())));
      const value = solveTight(problem, 'unconstrained quadForm', form);
      const pinvq = choleskySolve(p, q);
      expectVectorValue(x.value, scale(pinvq, -0.5), 'x');
      expectScalarClose(value, -dot(q, pinvq) / 4, 'value');
    });

    it('equality-constrained: min x\'Px s.t. a\'x = 1 has x* = P^-1 a / (a\'P^-1 a) and value 1 / (a\'P^-1 a)', () => {
      const w = rng.normalVector(5);
      const x = variable(5, 'x');
      const problem = new Problem(minimize(quadForm(x, p)), [x.mul(w).sum().eq(1)]);
      const value = solveTight(problem, 'equality-constrained quadForm', form);
      const pinvw = choleskySolve(p, w);
      const denominator = dot(w, pinvw);
      expectVectorValue(x.value, scale(pinvw, 1 / denominator), 'x');
      expectScalarClose(value, 1 / denominator, 'value');
    });
  });
});
