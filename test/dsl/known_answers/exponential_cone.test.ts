/**
 * Known answers for the exponential-cone atoms: entr (maximum entropy =
 * softmax), klDiv (I-projection), logSumExp (conjugate of negative entropy),
 * logistic (conjugate of binary entropy), exp and log (closed-form stationary
 * points), and water-filling.
 */
import { beforeAll, describe, it } from 'vitest';
import { entr, exp, klDiv, log, logistic, logSumExp, maximize, minimize, Problem, sum, variable } from '../../../dsl/index.js';
import { initSolvers } from '../../../solvers/init.js';
import { dataOf, expectArrayClose, expectScalarClose, expectScalarValue, expectVectorValue, solveTight } from './harness.js';
import { dot, entropy, logSumExp as refLogSumExp, softmax, sumOf, waterFilling } from './reference.js';
import { seededRandom } from './seeded_random.js';

beforeAll(async () => {
  await initSolvers();
});

describe('known answers: exponential cone', () => {
  const rng = seededRandom(401);

  it('maximize sum(entr(x)) + c\'x on the simplex: x = softmax(c), value logSumExp(c)', () => {
    const c = rng.normalVector(8);
    const x = variable(8, 'x');
    const problem = new Problem(maximize(sum(entr(x)).add(x.mul(c).sum())), [sum(x).eq(1)]);
    const value = solveTight(problem, 'maximum entropy');
    expectVectorValue(x.value, softmax(c), 'x');
    expectScalarClose(value, refLogSumExp(c), 'value');
  });

  it('minimize sum(klDiv(x, q)) on the simplex: x = q / sum(q), value sum(q) - 1 - log sum(q)', () => {
    const q = rng.uniformVector(6, 0.2, 1.5);
    const total = sumOf(q);
    const x = variable(6, 'x');
    const problem = new Problem(minimize(sum(klDiv(x, q))), [sum(x).eq(1)]);
    const value = solveTight(problem, 'I-projection');
    expectVectorValue(x.value, q.map((v) => v / total), 'x');
    expectScalarClose(value, total - 1 - Math.log(total), 'value');
  });

  it('minimize sum(klDiv(x, q)) - c\'x on the simplex: x = softmax(c + log q) (Gibbs distribution)', () => {
    const q = rng.uniformVector(5, 0.2, 1.5);
    const c = rng.normalVector(5);
    const x = variable(5, 'x');
    const problem = new Problem(minimize(sum(klDiv(x, q)).sub(x.mul(c).sum())), [sum(x).eq(1)]);
    const value = solveTight(problem, 'tilted I-projection');
    const expected = softmax(c.map((v, i) => v + Math.log(q[i]!)));
    expectVectorValue(x.value, expected, 'x');
    const kl = expected.reduce((s, p, i) => s + p * Math.log(p / q[i]!) - p + q[i]!, 0);
    expectScalarClose(value, kl - dot(c, expected), 'value');
  });

  it('minimize logSumExp(x) - c\'x with sum(x) == 0: x = log c - mean(log c), value = entropy(c)', () => {
    const w = rng.uniformVector(6, 0.3, 2);
    const c = w.map((v) => v / sumOf(w));
    const x = variable(6, 'x');
    const problem = new Problem(minimize(logSumExp(x).sub(x.mul(c).sum())), [sum(x).eq(0)]);
    const value = solveTight(problem, 'logSumExp conjugate');
    const logC = c.map(Math.log);
    const mean = sumOf(logC) / logC.length;
    expectVectorValue(x.value, logC.map((v) => v - mean), 'x');
    expectScalarClose(value, entropy(c), 'value');
    expectArrayClose(softmax(dataOf(x.value, [6], 'x')), c, 'softmax(x*) = c');
  });

  it('minimize logSumExp(x) s.t. x >= a: x = a, value = log sum exp(a) (increasing atom)', () => {
    const a = rng.normalVector(7);
    const x = variable(7, 'x');
    const problem = new Problem(minimize(logSumExp(x)), [x.ge(a)]);
    const value = solveTight(problem, 'logSumExp value');
    expectScalarClose(value, refLogSumExp(a), 'value');
    expectVectorValue(x.value, a, 'x');
  });

  it('minimize sum(logistic(x)) - c\'x: x = logit(c), value = sum of binary entropies', () => {
    const c = [0.1, 0.35, 0.5, 0.8, 0.93];
    const x = variable(5, 'x');
    const problem = new Problem(minimize(sum(logistic(x)).sub(x.mul(c).sum())));
    const value = solveTight(problem, 'logistic conjugate');
    expectVectorValue(x.value, c.map((p) => Math.log(p / (1 - p))), 'x');
    expectScalarClose(value, sumOf(c.map((p) => -p * Math.log(p) - (1 - p) * Math.log(1 - p))), 'value');
  });

  it('minimize sum(exp(x)) - a\'x: x = log a, value = sum(a - a log a)', () => {
    const a = [0.5, 1, 2.5, 4];
    const x = variable(4, 'x');
    const problem = new Problem(minimize(sum(exp(x)).sub(x.mul(a).sum())));
    const value = solveTight(problem, 'exp stationary point');
    expectVectorValue(x.value, a.map(Math.log), 'x');
    expectScalarClose(value, sumOf(a.map((v) => v - v * Math.log(v))), 'value');
  });

  it('maximize x s.t. exp(x) <= 5: x = log 5 (exp in a constraint)', () => {
    const x = variable([], 'x');
    const problem = new Problem(maximize(x), [exp(x).le(5)]);
    const value = solveTight(problem, 'exp constraint');
    expectScalarClose(value, Math.log(5), 'value');
    expectScalarValue(x.value, Math.log(5), 'x');
  });

  it('maximize log(x) - 2.5 x: x = 1 / 2.5, value -log(2.5) - 1', () => {
    const x = variable([], 'x');
    const problem = new Problem(maximize(log(x).sub(x.mul(2.5))));
    const value = solveTight(problem, 'log stationary point');
    expectScalarValue(x.value, 0.4, 'x');
    expectScalarClose(value, -Math.log(2.5) - 1, 'value');
  });

  it('maximize sum(log(x)) s.t. a\'x <= 1: x_i = 1 / (n a_i)', () => {
    const a = [0.5, 1.5, 3, 0.8];
    const x = variable(4, 'x');
    const problem = new Problem(maximize(sum(log(x))), [x.mul(a).sum().le(1)]);
    const value = solveTight(problem, 'log budget');
    expectVectorValue(x.value, a.map((v) => 1 / (4 * v)), 'x');
    expectScalarClose(value, -sumOf(a.map((v) => Math.log(4 * v))), 'value');
  });

  it('water-filling: maximize sum(log(alpha + x)) s.t. x >= 0, sum(x) == 1', () => {
    const alpha = [0.1, 0.9, 0.3, 1.6, 0.5];
    const x = variable(5, 'x');
    const problem = new Problem(maximize(sum(log(x.add(alpha)))), [x.ge(0), sum(x).eq(1)]);
    const value = solveTight(problem, 'water-filling');
    const expected = waterFilling(alpha, 1);
    expectVectorValue(x.value, expected, 'x');
    expectScalarClose(value, sumOf(expected.map((v, i) => Math.log(v + alpha[i]!))), 'value');
  });
});
