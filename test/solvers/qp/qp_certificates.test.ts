import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { solveOsqpForm, solveQpBatch, type QpBatch } from '../../../solvers/qp/index.js';
import { ValueError } from '../../../solvers/errors.js';
import { normalSampler, singleQp } from './qp_fixtures.js';

describe('scale-invariant statuses and verified certificates (issue 14, item 6)', () => {
  it('minimize 1e8 x s.t. 1 <= x <= 2 is optimal at x = 1 (was unbounded)', () => {
    const r = solveQpBatch(singleQp(1, { Q: [0], p: [1e8], G: [1, -1], h: [2, -1] }));
    expect(r.status[0]).toBe('optimal');
    expect(r.z[0]).toBeCloseTo(1, 8);
  });

  it('min 1/2|x|^2 s.t. x0 >= 1e8, x1 >= 0 is optimal at (1e8, 0) (was infeasible)', () => {
    const r = solveQpBatch(singleQp(2, { Q: [1, 0, 0, 1], p: [0, 0], G: [-1, 0, 0, -1], h: [-1e8, 0] }));
    expect(r.status[0]).not.toMatch(/infeasible|unbounded/);
    expect(['optimal', 'optimal_inaccurate']).toContain(r.status[0]);
    expect(Math.abs(r.z[0]! - 1e8) / 1e8).toBeLessThan(1e-8);
  });

  it('minimize x s.t. x >= 1e10 is optimal at 1e10', () => {
    const r = solveQpBatch(singleQp(1, { Q: [0], p: [1], G: [-1], h: [-1e10] }));
    expect(r.status[0]).toBe('optimal');
    expect(Math.abs(r.z[0]! - 1e10) / 1e10).toBeLessThan(1e-9);
  });

  it('bounds of 1e30 are "no bound": a QP inside them solves, an LP along them is not called unbounded outright', () => {
    const qp = solveQpBatch(singleQp(1, { Q: [1], p: [1], G: [1, -1], h: [1e30, 1e30] }));
    expect(qp.status[0]).toBe('optimal');
    expect(qp.z[0]).toBeCloseTo(-1, 10);
    expect(qp.lam[0]).toBe(0);
    const lp = solveQpBatch(singleQp(1, { Q: [0], p: [1], G: [1, -1], h: [1e30, 1e30] }));
    expect(lp.status[0]).toBe('unbounded_inaccurate');
    expect(lp.messages[0]).toMatch(/1e\+30/);
  });

  it('an infeasible certificate is a Farkas vector of the original data (checked here independently)', () => {
    // x <= -1e8 and x >= 1e8 (rows scaled by 1e-3 and 1e5).
    const r = solveQpBatch(singleQp(1, { Q: [1], p: [0], G: [1e-3, -1e5], h: [-1e5, -1e13] }));
    expect(r.status[0]).toBe('infeasible');
    const [l0, l1] = [r.lam[0]!, r.lam[1]!];
    expect(Math.min(l0, l1)).toBeGreaterThanOrEqual(0);
    const gl = 1e-3 * l0 - 1e5 * l1;
    const hl = -1e5 * l0 - 1e13 * l1;
    expect(hl).toBeLessThan(0);
    expect(Math.abs(gl)).toBeLessThanOrEqual(1e-8 * (1e-3 * l0 + 1e5 * l1));
  });

  it('an unbounded ray satisfies Qd = 0, Gd <= 0, Ad = 0, p\'d < 0 on the original data', () => {
    // min x0 - x1 + 1/2 (x0 + x1)^2 s.t. x0 - x1 <= 5 ... unbounded along d = (-1, 1)? p'd = -2, Qd = 0, Gd = -2.
    const r = solveQpBatch(singleQp(2, { Q: [1, 1, 1, 1], p: [1e6, -1e6], G: [1e-4, -1e-4], h: [5e-4] }));
    expect(r.status[0]).toBe('unbounded');
    const [d0, d1] = [r.z[0]!, r.z[1]!];
    expect(Math.abs(d0 + d1)).toBeLessThan(1e-8 * (Math.abs(d0) + Math.abs(d1)));
    expect(1e-4 * d0 - 1e-4 * d1).toBeLessThanOrEqual(0);
    expect(1e6 * d0 - 1e6 * d1).toBeLessThan(0);
  });

  it('statuses and solutions do not change when rows, columns and the cost are rescaled (1e-6 .. 1e6)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e6 }), (seed) => {
        const { randn, uniform } = normalSampler(seed);
        const n = 4, m = 6;
        const L = Array.from({ length: n * n }, randn);
        const Q = Array.from({ length: n * n }, (_, k) => {
          const i = Math.floor(k / n), j = k % n;
          let v = i === j ? 0.1 : 0;
          for (let r = 0; r < n; r++) v += L[i * n + r]! * L[j * n + r]!;
          return v;
        });
        const p = Array.from({ length: n }, randn);
        const G = Array.from({ length: m * n }, randn);
        const h = Array.from({ length: m }, () => uniform());
        const base = solveQpBatch(singleQp(n, { Q, p, G, h }));
        expect(base.status[0]).toBe('optimal');
        const pow = () => 10 ** (12 * uniform() - 6);
        const D = Array.from({ length: n }, pow), R = Array.from({ length: m }, pow), c = pow();
        const scaled: QpBatch = singleQp(n, {
          Q: Q.map((v, k) => c * D[Math.floor(k / n)]! * v * D[k % n]!),
          p: p.map((v, i) => c * D[i]! * v),
          G: G.map((v, k) => R[Math.floor(k / n)]! * v * D[k % n]!),
          h: h.map((v, k) => R[k]! * v),
        });
        const r = solveQpBatch(scaled);
        expect(r.status[0]).toBe('optimal');
        for (let i = 0; i < n; i++) expect(Math.abs(D[i]! * r.z[i]! - base.z[i]!)).toBeLessThan(1e-6 * (1 + Math.abs(base.z[i]!)));
      }),
      { seed: 14_006, numRuns: 30 },
    );
  });
});

describe('QP options and OSQP form limits (issue 14, items 10-11)', () => {
  const qp = () => singleQp(2, { Q: [1, 0, 0, 1], p: [1, 1], G: [-1, 0], h: [0] });
  it('rejects unknown option keys, naming the key', () => {
    expect(() => solveQpBatch(qp(), { maxIter: 5 } as never)).toThrow(ValueError);
    expect(() => solveQpBatch(qp(), { maxIter: 5 } as never)).toThrow(/maxIter/);
  });
  it('caps maxIters at 10,000 with a ValueError', () => {
    expect(() => solveQpBatch(qp(), { maxIters: 1e12 })).toThrow(/at most 10000/);
    expect(solveQpBatch(qp(), { maxIters: 10_000 }).status[0]).toBe('optimal');
  });
  it('clamps threads to the available cores (same result as one thread)', () => {
    const a = solveQpBatch(qp(), { threads: 64 });
    const b = solveQpBatch(qp(), { threads: 1 });
    expect(Array.from(a.z)).toEqual(Array.from(b.z));
  });
  it('solveOsqpForm with m = 0 (A, l, u omitted) solves the unconstrained QP', () => {
    const arg = (v: number[]) => ({ data: Float64Array.from(v), batched: false });
    const r = solveOsqpForm({ batch: 1, n: 2, m: 0, P: arg([2, 0, 0, 4]), q: arg([2, 4]) } as never);
    expect(r.status[0]).toBe('optimal');
    expect(Array.from(r.x)).toEqual([-1, -1]);
    const g = r.backward(Float64Array.of(1, 0));
    expect(g.dq[0]).toBeCloseTo(-0.5, 12);
    expect(g.backwardFailed[0]).toBe(0);
  });
});
