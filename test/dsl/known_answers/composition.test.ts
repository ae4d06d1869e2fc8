/**
 * Known answers for DCP compositions, where an atom's canonicalization receives
 * a non-affine argument and the sign- and monotonicity-dependent composition
 * rules decide acceptance: invPos(sqrt(.)), log(sum(sqrt(.))), square(pos(.)),
 * klDiv in its second argument, entr of an affine expression, and the
 * reductions max/min over a matrix.
 */
import { beforeAll, describe, it } from 'vitest';
import { entr, invPos, klDiv, log, max, maximize, minimize, pos, Problem, sqrt, square, sum, variable } from '../../../dsl/index.js';
import { initSolvers } from '../../../solvers/init.js';
import { expectMatrixValue, expectScalarClose, expectScalarValue, expectVectorValue, solveTight } from './harness.js';

beforeAll(async () => {
  await initSolvers();
});

describe('known answers: compositions of atoms', () => {
  it('minimize invPos(sqrt(x)) + x (convex decreasing of concave): x = 2^(-2/3), value 3 * 2^(-2/3)', () => {
    const x = variable([], 'x');
    const value = solveTight(new Problem(minimize(invPos(sqrt(x)).add(x))), 'invPos(sqrt(x)) + x');
    expectScalarValue(x.value, 2 ** (-2 / 3), 'x');
    expectScalarClose(value, 3 * 2 ** (-2 / 3), 'value');
  });

  it('maximize log(sum(sqrt(x))) s.t. sum(x) == 1 (concave increasing of concave): x = 1/n, value log(sqrt(n))', () => {
    const x = variable(4, 'x');
    const value = solveTight(new Problem(maximize(log(sum(sqrt(x)))), [sum(x).eq(1)]), 'log(sum(sqrt(x)))');
    expectVectorValue(x.value, [0.25, 0.25, 0.25, 0.25], 'x');
    expectScalarClose(value, Math.log(2), 'value');
  });

  it('minimize square(pos(x)) - 2x (square is increasing on a nonnegative argument): x = 1, value -1', () => {
    const x = variable([], 'x');
    const value = solveTight(new Problem(minimize(square(pos(x)).sub(x.mul(2)))), 'square(pos(x)) - 2x');
    expectScalarValue(x.value, 1, 'x');
    expectScalarClose(value, -1, 'value');
  });

  it('minimize klDiv(u, y) + y with u == 2 (klDiv in its second argument): y = 1, value 2 log 2', () => {
    const u = variable([], 'u');
    const y = variable([], 'y');
    const value = solveTight(new Problem(minimize(klDiv(u, y).add(y)), [u.eq(2)]), 'klDiv second argument');
    expectScalarValue(y.value, 1, 'y');
    expectScalarClose(value, 2 * Math.log(2), 'value');
  });

  it('maximize entr(x) + entr(1 - x) (binary entropy): x = 1/2, value log 2', () => {
    const x = variable([], 'x');
    const value = solveTight(new Problem(maximize(entr(x).add(entr(x.negate().add(1))))), 'binary entropy');
    expectScalarValue(x.value, 0.5, 'x');
    expectScalarClose(value, Math.log(2), 'value');
  });

  it('minimize max(X) over a 2 x 3 matrix s.t. sum(X) == 6: every entry 1', () => {
    const x = variable([2, 3], 'X');
    const value = solveTight(new Problem(minimize(max(x)), [sum(x).eq(6)]), 'max over a matrix');
    expectScalarClose(value, 1, 'value');
    expectMatrixValue(x.value, [
      [1, 1, 1],
      [1, 1, 1],
    ], 'X');
  });
});
