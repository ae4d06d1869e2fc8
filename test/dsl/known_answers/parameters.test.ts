/**
 * DPP re-solves: each problem is built once with parameters, then solved for
 * several parameter values; every solve must reproduce the known answer for
 * those values (simplex projection, softmax, LP vertices as the right-hand
 * side moves, the Huber prox, and a parameter inside a constraint).
 */
import { beforeAll, describe, it } from 'vitest';
import { constant, entr, huber, log, maximize, minimize, parameter, Problem, sum, sumSquares, variable } from '../../../dsl/index.js';
import { initSolvers } from '../../../solvers/init.js';
import { expectScalarClose, expectVectorValue, solveTight } from './harness.js';
import { logSumExp, projectSimplex, softmax, sumOf } from './reference.js';
import { seededRandom } from './seeded_random.js';

beforeAll(async () => {
  await initSolvers();
});

describe('known answers: re-solving with new parameter values', () => {
  const rng = seededRandom(801);

  it('simplex projection of a parameter y, for four values of y', () => {
    const y = parameter([6], { name: 'y' });
    const x = variable(6, 'x');
    const problem = new Problem(minimize(sumSquares(x.sub(y))), [x.ge(0), sum(x).eq(1)]);
    for (let trial = 0; trial < 4; trial++) {
      const yv = rng.normalVector(6).map((v) => (trial + 1) * v);
      y.value = yv;
      solveTight(problem, `simplex projection, trial ${trial}`);
      expectVectorValue(x.value, projectSimplex(yv), `x, trial ${trial}`);
    }
  });

  it('maximum entropy with a linear term c\'x, c a parameter, warm-started: softmax(c) for three values of c', () => {
    const c = parameter([5], { name: 'c' });
    const x = variable(5, 'x');
    const problem = new Problem(maximize(sum(entr(x)).add(x.mul(c).sum())), [sum(x).eq(1)]);
    for (let trial = 0; trial < 3; trial++) {
      const cv = rng.normalVector(5);
      c.value = Float64Array.from(cv);
      const value = solveTight(problem, `softmax, trial ${trial}`, { warmStart: true });
      expectVectorValue(x.value, softmax(cv), `x, trial ${trial}`);
      expectScalarClose(value, logSumExp(cv), `value, trial ${trial}`);
    }
  });

  it('Wyndor LP with a parameter right-hand side: the optimal vertex moves as b changes', () => {
    const b = parameter([3], { name: 'b', nonneg: true });
    const x = variable(2, { name: 'x', nonneg: true });
    const rows = [
      [1, 0],
      [0, 2],
      [3, 2],
    ];
    const problem = new Problem(maximize(x.mul([3, 5]).sum()), [constant(rows).matmul(x).le(b)]);
    const cases: { b: number[]; x: number[]; value: number }[] = [
      { b: [4, 12, 18], x: [2, 6], value: 36 },
      { b: [4, 12, 24], x: [4, 6], value: 42 },
      { b: [4, 20, 18], x: [0, 9], value: 45 },
    ];
    for (const k of cases) {
      b.value = k.b;
      const value = solveTight(problem, `Wyndor with b = ${k.b}`);
      expectScalarClose(value, k.value, `value at b = ${k.b}`);
      expectVectorValue(x.value, k.x, `x at b = ${k.b}`);
    }
  });

  it('Huber prox with a parameter y: closed form for two values of y', () => {
    const y = parameter([4], { name: 'y' });
    const x = variable(4, 'x');
    const problem = new Problem(minimize(sum(huber(x)).add(sumSquares(x.sub(y)).mul(0.5))));
    for (const yv of [
      [0.9, -4, 2.5, 6],
      [-0.3, 3.5, -8, 1],
    ]) {
      y.value = yv;
      solveTight(problem, `Huber prox at y = ${yv}`);
      expectVectorValue(x.value, yv.map((v) => (Math.abs(v) <= 3 ? v / 3 : v - 2 * Math.sign(v))), `x at y = ${yv}`);
    }
  });

  it('division by a positive parameter s: min sumSquares(x / s - y) gives x = s y for each s', () => {
    const s = parameter([], { name: 's', nonneg: true });
    const y = [0.4, -1.3, 2.2];
    const x = variable(3, 'x');
    const problem = new Problem(minimize(sumSquares(x.div(s).sub(y))), [x.index(0).le(10)]);
    for (const sv of [0.5, 4]) {
      s.value = sv;
      const value = solveTight(problem, `division by s = ${sv}`);
      expectVectorValue(x.value, y.map((v) => sv * v), `x at s = ${sv}`);
      expectScalarClose(value, 0, `value at s = ${sv}`);
    }
  });

  it('nonpos parameter as an upper bound: minimize sumSquares(x - y) s.t. x <= u (u <= 0) clips at u', () => {
    const u = parameter([4], { name: 'u', nonpos: true });
    const y = [0.5, -2, -0.1, 3];
    const x = variable(4, 'x');
    const problem = new Problem(minimize(sumSquares(x.sub(y))), [x.le(u)]);
    for (const uv of [
      [0, 0, 0, 0],
      [-1, -1.5, -0.3, -2],
    ]) {
      u.value = uv;
      solveTight(problem, `upper bound u = ${uv}`);
      expectVectorValue(x.value, y.map((v, i) => Math.min(v, uv[i]!)), `x at u = ${uv}`);
    }
  });

  it('parameter inside a constraint: maximize sum(log(x)) s.t. a\'x <= 1 gives x_i = 1 / (n a_i) for each a', () => {
    const a = parameter([3], { name: 'a', nonneg: true });
    const x = variable(3, 'x');
    const problem = new Problem(maximize(sum(log(x))), [x.mul(a).sum().le(1)]);
    for (const av of [
      [1, 2, 4],
      [0.5, 0.5, 3],
    ]) {
      a.value = av;
      const value = solveTight(problem, `log budget at a = ${av}`);
      expectVectorValue(x.value, av.map((v) => 1 / (3 * v)), `x at a = ${av}`);
      expectScalarClose(value, -sumOf(av.map((v) => Math.log(3 * v))), `value at a = ${av}`);
    }
  });
});
