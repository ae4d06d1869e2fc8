import { beforeAll, describe, expect, it } from 'vitest';
import { Problem, Value, constant, cumsum, diag, diff, hstack, maximize, minimize, parameter, square, sum, trace, variable, vstack } from '../../dsl/index.js';
import { initSolvers } from '../../solvers/index.js';

beforeAll(async () => {
  await initSolvers();
});

describe('values and attributes', () => {
  it('Value exposes shape, data, at() and toArray() (row-major)', () => {
    const v = new Value([2, 3], Float64Array.of(1, 2, 3, 4, 5, 6));
    expect(v.at(1, 2)).toBe(6);
    expect(v.at(4)).toBe(5);
    expect(v.toArray()).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(new Value([], Float64Array.of(7)).toArray()).toBe(7);
    expect(() => v.at(2, 0)).toThrow(/out of range/);
  });

  it('expression values follow the documented row-major semantics', () => {
    const M = constant([[1, 2, 3], [4, 5, 6]]);
    expect(M.T.value!.toArray()).toEqual([[1, 4], [2, 5], [3, 6]]);
    expect(M.sum(0).value!.toArray()).toEqual([5, 7, 9]);
    expect(M.sum(1).value!.toArray()).toEqual([6, 15]);
    expect(M.vec().value!.toArray()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(M.reshape([3, 2]).value!.toArray()).toEqual([[1, 2], [3, 4], [5, 6]]);
    expect(M.index(1).value!.toArray()).toEqual([4, 5, 6]);
    expect(M.slice([0, 2], [1, 3]).value!.toArray()).toEqual([[2, 3], [5, 6]]);
    expect(cumsum(M, 1).value!.toArray()).toEqual([[1, 3, 6], [4, 9, 15]]);
    expect(diff(constant([1, 4, 9, 16]), 2).value!.toArray()).toEqual([2, 2]);
    expect(hstack(M, constant([[0], [0]])).value!.toArray()).toEqual([[1, 2, 3, 0], [4, 5, 6, 0]]);
    expect(vstack([1, 2, 3], M).value!.shape).toEqual([3, 3]);
    expect(trace(constant([[1, 2], [3, 4]])).value!.toArray()).toBe(5);
    expect(diag(constant([1, 2])).value!.toArray()).toEqual([[1, 0], [0, 2]]);
    expect(constant([1, 2]).matmul(M).value!.toArray()).toEqual([9, 12, 15]);
    expect(M.matmul([1, 0, 1]).value!.toArray()).toEqual([4, 10]);
  });

  it('variable sign attributes become constraints; parameter signs drive DCP', () => {
    const x = variable(2, { name: 'x', nonneg: true });
    const r = new Problem(minimize(sum(x))).solve({ epsAbs: 1e-9, epsRel: 1e-9 });
    expect(r.status).toBe('optimal');
    expect(r.value).toBeCloseTo(0, 7);
    const y = variable(undefined, { name: 'y', nonpos: true });
    expect(new Problem(maximize(y)).solve({ epsAbs: 1e-9, epsRel: 1e-9 }).value).toBeCloseTo(0, 7);
    const z = variable(undefined, 'z');
    const signed = parameter(undefined, { name: 'w', nonneg: true, value: 2 });
    const unsigned = parameter(undefined, { name: 'u', value: 2 });
    expect(new Problem(minimize(signed.mul(square(z)))).isDpp()).toBe(true);
    expect(new Problem(minimize(unsigned.mul(square(z)))).isDcp()).toBe(false);
    // square(x) of a nonneg-declared variable is increasing, so square(x) of it composes with convex arguments.
    expect(new Problem(minimize(sum(square(x)))).isDcp()).toBe(true);
  });
});
