import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { choleskyInPlace, choleskySolveInPlace, gramLowerAccumulate, matTVec, matVec } from '../../../solvers/linalg/index.js';

const matrix = (rows: number, cols: number) =>
  fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: rows * cols, maxLength: rows * cols }).map((a) => Float64Array.from(a));

describe('dense kernels vs naive loops', () => {
  it('gramLowerAccumulate adds X X\' on the lower triangle', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 0, max: 7 }), fc.integer(), (rows, cols, seed) => {
        const x = Float64Array.from({ length: rows * cols }, (_, i) => Math.sin(seed + 1.7 * i));
        const out = Float64Array.from({ length: rows * rows }, (_, i) => i);
        gramLowerAccumulate(x, rows, cols, out);
        for (let i = 0; i < rows; i++) {
          for (let j = 0; j <= i; j++) {
            let t = i * rows + j;
            for (let k = 0; k < cols; k++) t += x[i * cols + k]! * x[j * cols + k]!;
            expect(out[i * rows + j]).toBeCloseTo(t, 10);
          }
        }
      }),
      { numRuns: 60 },
    );
  });

  it('matVec and matTVec agree with the definition', () => {
    fc.assert(
      fc.property(matrix(3, 5), fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 5, maxLength: 5 }), (m, x) => {
        const y = new Float64Array(3);
        matVec(m, 0, 3, 5, x, y);
        for (let i = 0; i < 3; i++) expect(y[i]).toBeCloseTo(x.reduce((t, v, k) => t + v * m[i * 5 + k]!, 0), 10);
        const w = Float64Array.of(1, -2, 0.5);
        const yt = new Float64Array(5);
        matTVec(m, 0, 3, 5, w, yt);
        for (let k = 0; k < 5; k++) expect(yt[k]).toBeCloseTo(w.reduce((t, v, i) => t + v * m[i * 5 + k]!, 0), 10);
      }),
      { numRuns: 40 },
    );
  });

  it('choleskyInPlace factors SPD matrices (L L\' = A) and solves', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 13 }), fc.integer(), (n, seed) => {
        const b = Float64Array.from({ length: n * n }, (_, i) => Math.cos(seed + 0.9 * i));
        const a = new Float64Array(n * n);
        gramLowerAccumulate(b, n, n, a);
        for (let i = 0; i < n; i++) a[i * n + i] += 0.5;
        const orig = Float64Array.from(a);
        const inv = new Float64Array(n);
        const info = choleskyInPlace(a, n, inv);
        expect(info.finite).toBe(true);
        expect(info.regularizedPivots).toBe(0);
        for (let i = 0; i < n; i++) {
          for (let j = 0; j <= i; j++) {
            let t = 0;
            for (let k = 0; k <= j; k++) t += a[i * n + k]! * a[j * n + k]!;
            expect(t).toBeCloseTo(orig[i * n + j]!, 9);
          }
        }
        const x = Float64Array.from({ length: n }, (_, i) => i - 2);
        const rhs = new Float64Array(n);
        for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) rhs[i] += orig[Math.max(i, j) * n + Math.min(i, j)]! * x[j]!;
        choleskySolveInPlace(a, n, inv, rhs);
        for (let i = 0; i < n; i++) expect(rhs[i]).toBeCloseTo(x[i]!, 7);
      }),
      { numRuns: 40 },
    );
  });

  it('choleskyInPlace regularizes a singular pivot and reports a negative one', () => {
    const a = Float64Array.of(1, 0, 1, 1); // [[1,1],[1,1]] lower: singular
    const info = choleskyInPlace(a, 2, new Float64Array(2), 1e-12, 1e-6);
    expect(info.regularizedPivots).toBe(1);
    expect(a[3]).toBeCloseTo(1e-3, 12);
    const b = Float64Array.of(1, 0, 0, -1);
    expect(choleskyInPlace(b, 2, new Float64Array(2), 0, 1).minPivot).toBe(-1);
  });
});
