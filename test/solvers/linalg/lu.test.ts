import { describe, expect, it } from 'vitest';
import { ShapeError, ValueError } from '../../../solvers/errors.js';
import { luFactor } from '../../../solvers/linalg/lu.js';
import { SeededRandom } from '../cone_derivative/random_programs.js';

function matVec(a: Float64Array, n: number, x: Float64Array, transpose = false): Float64Array {
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) y[transpose ? j : i]! += a[i * n + j]! * x[transpose ? i : j]!;
  return y;
}

const maxAbsDiff = (a: Float64Array, b: Float64Array) => a.reduce((s, v, i) => Math.max(s, Math.abs(v - b[i]!)), 0);

describe('dense LU with partial pivoting', () => {
  it.each([1, 2, 7, 60, 200])('solves A x = b and A\' x = b for a random %i x %i matrix', (n) => {
    const rng = new SeededRandom(n);
    const a = rng.normals(n * n);
    const x = rng.normals(n);
    const lu = luFactor(a, n);
    expect(lu.singular).toBe(false);
    expect(maxAbsDiff(lu.solve(matVec(a, n, x)), x)).toBeLessThan(1e-9);
    expect(maxAbsDiff(lu.solveTranspose(matVec(a, n, x, true)), x)).toBeLessThan(1e-9);
    // the factorization is reusable and did not touch the input
    expect(maxAbsDiff(lu.solve(matVec(a, n, x)), x)).toBeLessThan(1e-9);
  });

  it('pivots: a matrix with a zero leading entry', () => {
    const lu = luFactor(Float64Array.from([0, 1, 1, 0]), 2);
    expect(Array.from(lu.solve(Float64Array.from([2, 3])))).toEqual([3, 2]);
    expect(Array.from(lu.solveTranspose(Float64Array.from([2, 3])))).toEqual([3, 2]);
  });

  it('reports a singular matrix through `singular` instead of throwing', () => {
    const lu = luFactor(Float64Array.from([1, 2, 2, 4]), 2);
    expect(lu.singular).toBe(true);
    expect(lu.pivotRatio).toBeLessThan(1e-15);
  });

  it('rejects wrong sizes and non-finite entries', () => {
    expect(() => luFactor(new Float64Array(5), 2)).toThrow(ShapeError);
    expect(() => luFactor(Float64Array.from([1, NaN, 0, 1]), 2)).toThrow(ValueError);
    expect(() => luFactor(Float64Array.from([1, 0, 0, 1]), 2).solve(new Float64Array(3))).toThrow(ShapeError);
  });
});
