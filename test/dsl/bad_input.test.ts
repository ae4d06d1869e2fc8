import { beforeAll, describe, expect, it } from 'vitest';
import { Problem, constant, hstack, minimize, norm2, parameter, quadOverLin, sum, sumLargest, variable, vstack, huber, power } from '../../dsl/index.js';
import { ShapeError, ValueError, initSolvers } from '../../solvers/index.js';

beforeAll(async () => {
  await initSolvers();
});

describe('bad input gives typed errors naming the culprit', () => {
  it('shape mismatches in operators name both operands and their shapes', () => {
    const x = variable(3, 'x');
    const y = variable(2, 'y');
    expect(() => x.add(y)).toThrow(ShapeError);
    expect(() => x.add(y)).toThrow(/x of shape \(3\).*y of shape \(2\)/);
    const A = parameter([2, 4], { name: 'A' });
    expect(() => A.matmul(x)).toThrow(/matmul: A of shape \(2, 4\) and x of shape \(3\)/);
    expect(() => x.index(3)).toThrow(ShapeError);
    expect(() => x.slice(2, 5)).toThrow(ShapeError);
    expect(() => x.reshape([2, 2])).toThrow(/cannot become \(2, 2\)/);
    expect(() => hstack(variable([2, 2]), x)).toThrow(ShapeError);
    expect(() => vstack(variable([2, 2]), x)).toThrow(/columns differ/);
    expect(() => x.le(y)).toThrow(ShapeError);
    expect(() => quadOverLin(x, y)).toThrow(/y must be a scalar/);
    expect(() => minimize(x)).toThrow(/objective must be a scalar/);
    expect(() => variable([2, 2, 2])).toThrow(ShapeError);
    expect(() => variable(0)).toThrow(ShapeError);
    expect(() => constant([[1, 2], [3]])).toThrow(ShapeError);
  });

  it('parameter values are checked for shape, finiteness and sign', () => {
    const p = parameter([2, 2], { name: 'P' });
    expect(() => (p.value = [1, 2, 3])).toThrow(/parameter P expects shape \(2, 2\)/);
    expect(() => (p.value = [[1, NaN], [0, 1]])).toThrow(ValueError);
    expect(() => (p.value = [[1, NaN], [0, 1]])).toThrow(/parameter P has a non-finite entry NaN/);
    expect(() => (p.value = [[1, Infinity], [0, 1]])).toThrow(/Infinity/);
    p.value = Float64Array.of(1, 2, 3, 4); // a flat row-major array of the right size is accepted
    expect(p.value!.at(1, 0)).toBe(3);
    const w = parameter(2, { name: 'w', nonneg: true });
    expect(() => (w.value = [1, -0.5])).toThrow(/parameter w is declared nonneg but entry 1 is -0.5/);
    const v = parameter(undefined, { name: 'v', nonpos: true });
    expect(() => (v.value = 2)).toThrow(ValueError);
    const x = variable(2, 'x');
    expect(() => (x.value = [1, NaN])).toThrow(/variable x has a non-finite entry/);
  });

  it('atom data is validated', () => {
    const x = variable(3, 'x');
    expect(() => sumLargest(x, 4)).toThrow(ValueError);
    expect(() => huber(x, -1)).toThrow(/M = -1/);
    expect(() => power(x, NaN)).toThrow(ValueError);
  });

  it('an unset parameter gives a ValueError naming it at solve time', () => {
    const b = parameter(2, { name: 'b' });
    const x = variable(2, 'x');
    const prob = new Problem(minimize(norm2(x.sub(b))));
    expect(() => prob.solve()).toThrow(ValueError);
    expect(() => prob.solve()).toThrow(/parameter b has no value/);
  });

  it('unknown solve options and bad tolerances are rejected', () => {
    const x = variable(undefined, 'x');
    const prob = new Problem(minimize(sum(x)), [x.ge(0)]);
    expect(() => prob.solve({ tolerance: 1 } as never)).toThrow(/unknown solve option 'tolerance'/);
    expect(() => prob.solve({ epsAbs: -1 })).toThrow(ValueError);
  });

  it('an expression with an unset variable has no value', () => {
    const x = variable(2, 'x');
    expect(x.add(1).value).toBeUndefined();
    x.value = [1, 2];
    expect(x.add(1).value!.toArray()).toEqual([2, 3]);
  });
});
