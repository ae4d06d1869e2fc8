import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  choleskyInPlace, choleskySolveInPlace, gramLowerAccumulate, matTVec, matVec, solveLowerInPlace, solveLowerTransposeInPlace,
} from '../../../solvers/linalg/index.js';

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

  it('register-tiled matVec/matTVec match naive loops for every row/column remainder', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 11 }), fc.integer({ min: 0, max: 11 }), fc.integer({ min: 0, max: 5 }), fc.boolean(), fc.integer(), (rows, cols, offset, acc, seed) => {
        const m = Float64Array.from({ length: offset + rows * cols }, (_, i) => Math.sin(seed + 0.7 * i));
        const x = Float64Array.from({ length: cols }, (_, i) => Math.cos(seed - i));
        const xt = Float64Array.from({ length: rows }, (_, i) => Math.cos(seed + 2 * i));
        const y = Float64Array.from({ length: rows }, (_, i) => i - 1);
        const yt = Float64Array.from({ length: cols }, (_, i) => 2 - i);
        const y0 = Float64Array.from(y);
        const yt0 = Float64Array.from(yt);
        matVec(m, offset, rows, cols, x, y, acc);
        matTVec(m, offset, rows, cols, xt, yt, acc);
        for (let i = 0; i < rows; i++) {
          let t = acc ? y0[i]! : 0;
          for (let k = 0; k < cols; k++) t += m[offset + i * cols + k]! * x[k]!;
          expect(y[i]).toBeCloseTo(t, 12);
        }
        for (let k = 0; k < cols; k++) {
          let t = acc ? yt0[k]! : 0;
          for (let i = 0; i < rows; i++) t += m[offset + i * cols + k]! * xt[i]!;
          expect(yt[k]).toBeCloseTo(t, 12);
        }
      }),
      { numRuns: 80 },
    );
  });

  it('blocked triangular solves match forward/back substitution for every size remainder', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 14 }), fc.integer(), (n, seed) => {
        // A well-conditioned lower-triangular L (diagonal in [1, 2]) with garbage above the diagonal.
        const l = Float64Array.from({ length: n * n }, (_, i) => Math.sin(seed + 1.3 * i));
        const inv = new Float64Array(n);
        for (let i = 0; i < n; i++) {
          l[i * n + i] = 1.5 + 0.5 * Math.cos(seed + i);
          inv[i] = 1 / l[i * n + i]!;
        }
        const b = Float64Array.from({ length: n }, (_, i) => Math.cos(seed * 0.3 + i));
        const y = Float64Array.from(b);
        solveLowerInPlace(l, n, inv, y);
        const yNaive = new Float64Array(n);
        for (let i = 0; i < n; i++) {
          let t = b[i]!;
          for (let k = 0; k < i; k++) t -= l[i * n + k]! * yNaive[k]!;
          yNaive[i] = t / l[i * n + i]!;
        }
        for (let i = 0; i < n; i++) expect(y[i]).toBeCloseTo(yNaive[i]!, 11);
        const x = Float64Array.from(b);
        solveLowerTransposeInPlace(l, n, inv, x);
        const xNaive = new Float64Array(n);
        for (let i = n - 1; i >= 0; i--) {
          let t = b[i]!;
          for (let k = i + 1; k < n; k++) t -= l[k * n + i]! * xNaive[k]!;
          xNaive[i] = t / l[i * n + i]!;
        }
        for (let i = 0; i < n; i++) expect(x[i]).toBeCloseTo(xNaive[i]!, 11);
      }),
      { numRuns: 60 },
    );
  });

  it('choleskyInPlace (2-row x 4-column tiles) matches the unblocked recurrence', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 23 }), fc.integer(), (n, seed) => {
        const b = Float64Array.from({ length: n * n }, (_, i) => Math.sin(seed + 0.37 * i));
        const a = new Float64Array(n * n);
        gramLowerAccumulate(b, n, n, a);
        for (let i = 0; i < n; i++) a[i * n + i] += 0.1;
        const ref = Float64Array.from(a);
        for (let i = 0; i < n; i++) {
          for (let j = 0; j <= i; j++) {
            let t = ref[i * n + j]!;
            for (let k = 0; k < j; k++) t -= ref[i * n + k]! * ref[j * n + k]!;
            ref[i * n + j] = i === j ? Math.sqrt(t) : t / ref[j * n + j]!;
          }
        }
        choleskyInPlace(a, n, new Float64Array(n));
        for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) expect(a[i * n + j]).toBeCloseTo(ref[i * n + j]!, 10);
      }),
      { numRuns: 40 },
    );
  });
});
