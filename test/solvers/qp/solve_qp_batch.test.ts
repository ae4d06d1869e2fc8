import { beforeAll, describe, expect, it } from 'vitest';
import { cscFromDense, loadScs, NO_CONES, ShapeError, solveScs, ValueError } from '../../../solvers/index.js';
import { resolveQpOptions, solveQpBatch, type QpBatch } from '../../../solvers/qp/index.js';
import { exampleSlice, randomQp, singleQp } from './qp_fixtures.js';

beforeAll(async () => {
  await loadScs();
});

/** The same example as an SCS cone program: A_c = [A; G], b_c = [b; h], zero + nonneg cones. */
function solveWithScs(qp: QpBatch, e: number): Float64Array {
  const { n, nIneq: m, nEq } = qp;
  const rows = [...exampleSlice(qp, 'A', e), ...exampleSlice(qp, 'G', e)];
  const sol = solveScs(
    {
      A: cscFromDense(nEq + m, n, rows),
      b: Float64Array.from([...exampleSlice(qp, 'b', e), ...exampleSlice(qp, 'h', e)]),
      c: Float64Array.from(exampleSlice(qp, 'p', e)),
      P: cscFromDense(n, n, exampleSlice(qp, 'Q', e)),
      cones: { ...NO_CONES, zero: nEq, nonneg: m },
    },
    { epsAbs: 1e-10, epsRel: 1e-10, maxIters: 200_000 },
  );
  expect(sol.status).toBe('optimal');
  return sol.x;
}

describe('solveQpBatch on random feasible QPs', () => {
  const cases = [
    { name: 'inequalities and equalities, all batched', spec: { batch: 3, n: 6, nIneq: 8, nEq: 2, seed: 1 } },
    { name: 'inequality-only, shared Q and G', spec: { batch: 3, n: 8, nIneq: 12, nEq: 0, seed: 2, shared: ['Q', 'G'] as const } },
    { name: 'equality-only, shared A and b', spec: { batch: 2, n: 7, nIneq: 0, nEq: 3, seed: 3, shared: ['A', 'b'] as const } },
    { name: 'many active constraints, shared p and h', spec: { batch: 2, n: 5, nIneq: 10, nEq: 1, seed: 4, shared: ['p', 'h', 'G'] as const, activeFraction: 0.3 } },
  ];
  for (const { name, spec } of cases) {
    it(`matches SCS and has KKT residual <= 1e-8: ${name}`, () => {
      const qp = randomQp(spec);
      const res = solveQpBatch(qp);
      for (let e = 0; e < qp.batch; e++) {
        expect(res.status[e]).toBe('optimal');
        expect(res.kktResidual[e]).toBeLessThanOrEqual(1e-8);
        const ref = solveWithScs(qp, e);
        for (let i = 0; i < qp.n; i++) expect(Math.abs(res.z[e * qp.n + i]! - ref[i]!)).toBeLessThan(1e-6);
        for (let k = 0; k < qp.nIneq; k++) {
          expect(res.lam[e * qp.nIneq + k]!).toBeGreaterThanOrEqual(0);
          expect(res.slack[e * qp.nIneq + k]!).toBeGreaterThanOrEqual(0);
        }
      }
    });
  }
});

describe('solveQpBatch special problem classes', () => {
  it('solves an LP (Q = 0) to its known vertex', () => {
    // min -x - y  s.t. x + 2y <= 4, 3x + y <= 6, x >= 0, y >= 0  -> (8/5, 6/5)
    const res = solveQpBatch(singleQp(2, { p: [-1, -1], G: [1, 2, 3, 1, -1, 0, 0, -1], h: [4, 6, 0, 0] }));
    expect(res.status[0]).toBe('optimal');
    expect(res.z[0]).toBeCloseTo(1.6, 8);
    expect(res.z[1]).toBeCloseTo(1.2, 8);
    expect(res.kktResidual[0]).toBeLessThan(1e-8);
  });

  it('solves an equality-only QP with singular Q in closed form', () => {
    // min 1/2 x0^2 + x1 s.t. x1 = 2, x0 + x2 = 1, with Q = diag(1, 0, 0): not PD on the space, but bounded.
    // x2 free in the objective only through the equality: x0 = 0 minimizes, x2 = 1.
    const res = solveQpBatch(singleQp(3, { Q: [1, 0, 0, 0, 0, 0, 0, 0, 0], p: [0, 1, 0], A: [0, 1, 0, 1, 0, 1], b: [2, 1] }));
    expect(res.status[0]).toBe('optimal');
    expect(Array.from(res.z).map((v) => +v.toFixed(8))).toEqual([0, 2, 1]);
    expect(res.nu[0]).toBeCloseTo(-1, 8);
  });

  it('handles redundant equality rows', () => {
    // x0 + x1 = 1 stated twice; min 1/2 |x|^2 -> (1/2, 1/2).
    const res = solveQpBatch(singleQp(2, { Q: [1, 0, 0, 1], p: [0, 0], A: [1, 1, 1, 1], b: [1, 1] }));
    expect(res.status[0]).toBe('optimal');
    expect(res.z[0]).toBeCloseTo(0.5, 8);
    expect(res.z[1]).toBeCloseTo(0.5, 8);
  });

  it('solves an unconstrained QP as Q z = -p', () => {
    const res = solveQpBatch(singleQp(2, { Q: [2, 1, 1, 2], p: [1, -1] }));
    expect(res.status[0]).toBe('optimal');
    expect(res.z[0]).toBeCloseTo(-1, 10);
    expect(res.z[1]).toBeCloseTo(1, 10);
  });

  it('reports infeasible problems', () => {
    // x <= -1 and x >= 1.
    const ineq = solveQpBatch(singleQp(1, { Q: [1], p: [0], G: [1, -1], h: [-1, -1] }));
    expect(ineq.status[0]).toBe('infeasible');
    // Inconsistent equalities: x0 + x1 = 1 and x0 + x1 = 2, with x >= 0.
    const eq = solveQpBatch(singleQp(2, { p: [1, 1], G: [-1, 0, 0, -1], h: [0, 0], A: [1, 1, 1, 1], b: [1, 2] }));
    expect(eq.status[0]).toBe('infeasible');
  });

  it('reports unbounded problems', () => {
    // LP: min -x s.t. x >= 0.
    const lp = solveQpBatch(singleQp(1, { p: [-1], G: [-1], h: [0] }));
    expect(lp.status[0]).toBe('unbounded');
    // Unconstrained with singular Q and p outside its range: min 1/2 x0^2 - x1.
    const unc = solveQpBatch(singleQp(2, { Q: [1, 0, 0, 0], p: [0, -1] }));
    expect(unc.status[0]).toBe('unbounded');
    // Equality-constrained: min x0 - x1 s.t. x0 + x1 = 1, Q = 0.
    const eq = solveQpBatch(singleQp(2, { p: [1, -1], A: [1, 1], b: [1] }));
    expect(eq.status[0]).toBe('unbounded');
  });

  it('gives each example its own status in a mixed batch', () => {
    // Shared G = [1; -1], batched h: example 0 feasible (-1 <= x <= 1), example 1 infeasible.
    const res = solveQpBatch({
      batch: 2, n: 1, nIneq: 2, nEq: 0,
      Q: { data: Float64Array.of(1), batched: false }, p: { data: Float64Array.of(-3), batched: false },
      G: { data: Float64Array.of(1, -1), batched: false }, h: { data: Float64Array.of(1, 1, -1, -1), batched: true },
      A: { data: new Float64Array(0), batched: false }, b: { data: new Float64Array(0), batched: false },
    });
    expect(res.status).toEqual(['optimal', 'infeasible']);
    expect(res.z[0]).toBeCloseTo(1, 8);
    const g = res.backward(Float64Array.of(1, 1));
    expect(g.dp.every(Number.isFinite)).toBe(true);
  });

  it('reports a non-PSD Q as singular', () => {
    const res = solveQpBatch(singleQp(2, { Q: [1, 0, 0, -1], p: [0, 0], G: [1, 0, -1, 0], h: [1, 1] }));
    expect(['singular', 'unbounded']).toContain(res.status[0]);
  });

  it('uses the diagonal fast path for G = -I and diagonal Q', () => {
    const n = 30;
    const eye = new Float64Array(n * n);
    for (let i = 0; i < n; i++) eye[i * n + i] = 0.1;
    const g = new Float64Array(n * n);
    for (let i = 0; i < n; i++) g[i * n + i] = -1;
    const p = Float64Array.from({ length: n }, (_, i) => Math.sin(i + 0.5)); // no p_i = 0: that would be degenerate
    const res = solveQpBatch({
      batch: 1, n, nIneq: n, nEq: 0, Q: { data: eye, batched: false }, p: { data: p, batched: false },
      G: { data: g, batched: false }, h: { data: new Float64Array(n), batched: false },
      A: { data: new Float64Array(0), batched: false }, b: { data: new Float64Array(0), batched: false },
    });
    expect(res.status[0]).toBe('optimal');
    // z = max(0, -p / 0.1)
    for (let i = 0; i < n; i++) expect(res.z[i]).toBeCloseTo(Math.max(0, -p[i]! / 0.1), 7);
  });
});

describe('solveQpBatch input validation', () => {
  const good = () => randomQp({ batch: 2, n: 3, nIneq: 2, nEq: 1, seed: 9 });
  it('throws ShapeError naming the argument with the wrong size', () => {
    const qp = good();
    expect(() => solveQpBatch({ ...qp, G: { data: new Float64Array(5), batched: true } })).toThrow(ShapeError);
    expect(() => solveQpBatch({ ...qp, G: { data: new Float64Array(5), batched: true } })).toThrow(/argument G/);
    expect(() => solveQpBatch({ ...qp, n: 0 })).toThrow(ShapeError);
  });
  it('throws ValueError naming the argument with a NaN', () => {
    const qp = good();
    const h = Float64Array.from(qp.h.data);
    h[1] = NaN;
    expect(() => solveQpBatch({ ...qp, h: { data: h, batched: true } })).toThrow(ValueError);
    expect(() => solveQpBatch({ ...qp, h: { data: h, batched: true } })).toThrow(/argument h/);
  });
  it('validates options and the backward input', () => {
    expect(() => resolveQpOptions({ tol: -1 })).toThrow(ValueError);
    expect(() => resolveQpOptions({ maxIters: 0 })).toThrow(/maxIters/);
    expect(resolveQpOptions().tol).toBe(1e-9);
    const res = solveQpBatch(good());
    expect(() => res.backward(new Float64Array(5))).toThrow(ShapeError);
    expect(() => res.backward(Float64Array.of(1, 2, NaN, 0, 0, 0))).toThrow(/dlDz/);
  });
  it('reports max_iters when the iteration limit is too small', () => {
    const res = solveQpBatch(randomQp({ batch: 1, n: 6, nIneq: 8, nEq: 0, seed: 5 }), { maxIters: 2 });
    expect(res.status[0]).toBe('max_iters');
    expect(res.iterations[0]).toBe(2);
  });
});
