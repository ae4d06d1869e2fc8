import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { luFactor } from '../../../solvers/linalg/index.js';
import { solveQpBatch, type QpBatch } from '../../../solvers/qp/index.js';
import { normalSampler } from './qp_fixtures.js';

/**
 * The canonical form the DSL produces for quadForm(x, P) with equalities:
 * variables (x, t), t = x copies, Q = blockdiag(0, P) (singular: the x block
 * has no curvature), and the user's equalities C x = d. Every equality-only
 * QP here has a unique solution, obtained independently from the full KKT
 * matrix [[Q, A'], [A, 0]] by dense LU with partial pivoting.
 */
function copyForm(k: number, extraEq: number, seed: number): { qp: QpBatch; kkt: Float64Array; rhs: Float64Array } {
  const { randn } = normalSampler(seed);
  const n = 2 * k;
  const L = Array.from({ length: k * k }, randn);
  const Q = new Float64Array(n * n);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      let v = i === j ? 0.1 : 0;
      for (let r = 0; r < k; r++) v += L[i * k + r]! * L[j * k + r]!;
      Q[(k + i) * n + k + j] = v;
    }
  }
  const neq = k + 1 + extraEq;
  const A = new Float64Array(neq * n);
  for (let i = 0; i < k; i++) {
    A[i * n + i] = 1;
    A[i * n + k + i] = -1;
  }
  for (let j = 0; j < k; j++) A[k * n + j] = 1; // sum(x) == b
  for (let r = k + 1; r < neq; r++) for (let j = 0; j < k; j++) A[r * n + j] = randn();
  const b = Float64Array.from({ length: neq }, (_, r) => (r < k ? 0 : randn()));
  const p = Float64Array.from({ length: n }, randn);
  const qp: QpBatch = {
    batch: 1, n, nIneq: 0, nEq: neq,
    Q: { data: Q, batched: false }, p: { data: p, batched: false },
    G: { data: new Float64Array(0), batched: false }, h: { data: new Float64Array(0), batched: false },
    A: { data: A, batched: false }, b: { data: b, batched: false },
  };
  const N = n + neq;
  const kkt = new Float64Array(N * N);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) kkt[i * N + j] = Q[i * n + j]!;
  for (let r = 0; r < neq; r++) {
    for (let j = 0; j < n; j++) {
      kkt[(n + r) * N + j] = A[r * n + j]!;
      kkt[j * N + n + r] = A[r * n + j]!;
    }
  }
  const rhs = new Float64Array(N);
  for (let i = 0; i < n; i++) rhs[i] = -p[i]!;
  for (let r = 0; r < neq; r++) rhs[n + r] = b[r]!;
  return { qp, kkt, rhs };
}

describe('equality-constrained QPs with a singular Q block (issue 14, item 3)', () => {
  it('the issue repro in copy form: optimal, exact x and dx1/db = 2/3', () => {
    const n = 4;
    const Q = new Float64Array(n * n);
    Q.set([2, 1], 2 * n + 2);
    Q.set([1, 3], 3 * n + 2);
    const qp: QpBatch = {
      batch: 1, n, nIneq: 0, nEq: 3,
      Q: { data: Q, batched: false }, p: { data: Float64Array.of(0.5, -1, 0, 0), batched: false },
      G: { data: new Float64Array(0), batched: false }, h: { data: new Float64Array(0), batched: false },
      A: { data: Float64Array.of(1, 0, -1, 0, 0, 1, 0, -1, 1, 1, 0, 0), batched: false },
      b: { data: Float64Array.of(0, 0, 2), batched: false },
    };
    const r = solveQpBatch(qp);
    expect(r.status[0]).toBe('optimal');
    // Closed form: x = (5/6, 7/6); dx1/db = 2/3 (eliminate x2 = b - x1: 3 x1 - ... , see the issue).
    expect(r.z[0]).toBeCloseTo(5 / 6, 10);
    expect(r.z[1]).toBeCloseTo(7 / 6, 10);
    const g = r.backward(Float64Array.of(1, 0, 0, 0));
    expect(g.backwardFailed[0]).toBe(0);
    expect(g.backwardResidual[0]).toBeLessThan(1e-12);
    expect(g.db[2]).toBeCloseTo(2 / 3, 10);
  });

  it('random copy-form QPs: forward and every gradient match the LU solution of the full KKT system', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 6 }), fc.integer({ min: 0, max: 2 }), fc.integer({ min: 1, max: 1e6 }), (k, extra, seed) => {
        const { qp, kkt, rhs } = copyForm(k, Math.min(extra, k - 1), seed);
        const n = qp.n;
        const N = n + qp.nEq;
        const lu = luFactor(kkt, N);
        const exact = lu.solve(rhs);
        const r = solveQpBatch(qp);
        expect(r.status[0]).toBe('optimal');
        for (let i = 0; i < n; i++) expect(Math.abs(r.z[i]! - exact[i]!)).toBeLessThan(1e-9 * (1 + Math.abs(exact[i]!)));
        // Adjoint: K [u; w] = [dl/dz; 0] (K symmetric); OptNet's dp = -u, db = w.
        const dl = Float64Array.from({ length: n }, (_, i) => Math.sin(seed + i));
        const adjRhs = new Float64Array(N);
        adjRhs.set(dl);
        const adj = lu.solve(adjRhs);
        const g = r.backward(dl);
        expect(g.backwardFailed[0]).toBe(0);
        const scale = Math.max(1, ...Array.from(adj, Math.abs));
        for (let i = 0; i < n; i++) expect(Math.abs(g.dp[i]! + adj[i]!) / scale).toBeLessThan(1e-8);
        for (let j = 0; j < qp.nEq; j++) expect(Math.abs(g.db[j]! - adj[n + j]!) / scale).toBeLessThan(1e-8);
      }),
      { seed: 14_003, numRuns: 40 },
    );
  });

  it('singular Q block with an inequality too: gradients match central finite differences', () => {
    const { qp } = copyForm(3, 1, 77);
    const n = qp.n;
    const G = new Float64Array(2 * n);
    G[0] = 1; // x1 <= h1 (made active below)
    G[n + 1] = -1; // -x2 <= 5 (inactive)
    const base = solveQpBatch(qp).z;
    const full: QpBatch = { ...qp, nIneq: 2, G: { data: G, batched: false }, h: { data: Float64Array.of(base[0]! - 0.3, 5), batched: false } };
    const w = Float64Array.from({ length: n }, (_, i) => Math.cos(i + 1));
    const loss = (): number => {
      const z = solveQpBatch(full, { tol: 1e-12 }).z;
      return z.reduce((t, v, i) => t + v * w[i]!, 0);
    };
    const r = solveQpBatch(full, { tol: 1e-12 });
    expect(r.status[0]).toBe('optimal');
    const g = r.backward(w);
    expect(g.backwardFailed[0]).toBe(0);
    const eps = 1e-6;
    for (const [name, grad] of [['b', g.db], ['h', g.dh], ['p', g.dp]] as const) {
      const data = full[name].data;
      for (let i = 0; i < data.length; i++) {
        const old = data[i]!;
        data[i] = old + eps;
        const lp = loss();
        data[i] = old - eps;
        const lm = loss();
        data[i] = old;
        expect(Math.abs((lp - lm) / (2 * eps) - grad[i]!), `d${name}[${i}]`).toBeLessThan(1e-6);
      }
    }
  });
});
