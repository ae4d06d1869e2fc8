import { describe, expect, it } from 'vitest';
import { ShapeError, ValueError } from '../../../solvers/errors.js';
import { gmres, lsqr } from '../../../solvers/linalg/krylov.js';
import { SeededRandom } from '../cone_derivative/random_programs.js';

/** Row-major rows x cols matrix as matvec closures. */
function dense(a: Float64Array, rows: number, cols: number) {
  return {
    apply: (x: Float64Array, out: Float64Array) => {
      for (let i = 0; i < rows; i++) {
        let s = 0;
        for (let j = 0; j < cols; j++) s += a[i * cols + j]! * x[j]!;
        out[i] = s;
      }
      return out;
    },
    applyT: (x: Float64Array, out: Float64Array) => {
      out.fill(0);
      for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j]! += a[i * cols + j]! * x[i]!;
      return out;
    },
  };
}

const maxAbsDiff = (a: Float64Array, b: Float64Array) => a.reduce((s, v, i) => Math.max(s, Math.abs(v - b[i]!)), 0);

describe('Krylov solvers', () => {
  it('GMRES(k) solves a nonsymmetric system to the requested tolerance, with and without restarts', () => {
    const n = 80;
    const rng = new SeededRandom(3);
    // I + 0.5 / sqrt(n) * random: well conditioned, far from symmetric
    const a = rng.normals(n * n, 0.5 / Math.sqrt(n));
    for (let i = 0; i < n; i++) a[i * n + i]! += 1;
    const op = dense(a, n, n);
    const x = rng.normals(n);
    const b = op.apply(x, new Float64Array(n));
    for (const restart of [n, 10]) {
      const res = gmres(op.apply, b, { tol: 1e-12, restart });
      expect(res.status).toBe('converged');
      expect(res.relativeResidual).toBeLessThanOrEqual(1e-12);
      expect(maxAbsDiff(res.x, x)).toBeLessThan(1e-9);
    }
  });

  it('GMRES reports max_iters when the budget is too small', () => {
    const n = 50;
    const rng = new SeededRandom(4);
    const a = rng.normals(n * n);
    const res = gmres(dense(a, n, n).apply, rng.normals(n), { tol: 1e-12, maxIters: 5, restart: 5 });
    expect(res.status).toBe('max_iters');
    expect(res.relativeResidual).toBeGreaterThan(1e-12);
  });

  it('LSQR returns the least-squares solution of an overdetermined system', () => {
    const rows = 60;
    const cols = 20;
    const rng = new SeededRandom(5);
    const a = rng.normals(rows * cols);
    const op = dense(a, rows, cols);
    const b = rng.normals(rows);
    const res = lsqr(op.apply, op.applyT, b, cols, { tol: 1e-13, maxIters: 500 });
    expect(res.status).toBe('converged');
    // normal equations: A'(b - A x) = 0
    const r = op.apply(res.x, new Float64Array(rows)).map((v, i) => b[i]! - v);
    const g = op.applyT(r, new Float64Array(cols));
    expect(Math.max(...g.map(Math.abs))).toBeLessThan(1e-9);
  });

  it('LSQR returns the minimum-norm solution of a singular consistent system', () => {
    // A = [[1, 1], [1, 1]], b = (2, 2): solutions x1 + x2 = 2, minimum norm (1, 1).
    const op = dense(Float64Array.from([1, 1, 1, 1]), 2, 2);
    const res = lsqr(op.apply, op.applyT, Float64Array.from([2, 2]), 2, { tol: 1e-14 });
    expect(res.x[0]).toBeCloseTo(1, 12);
    expect(res.x[1]).toBeCloseTo(1, 12);
  });

  it('validates options', () => {
    const op = dense(Float64Array.from([1]), 1, 1);
    expect(() => gmres(op.apply, Float64Array.from([1]), { tol: 0 })).toThrow(ValueError);
    expect(() => gmres(op.apply, Float64Array.from([1]), { x0: [1, 2] })).toThrow(ShapeError);
    expect(() => gmres(op.apply, Float64Array.from([1]), { restart: 0 })).toThrow(ValueError);
  });
});
