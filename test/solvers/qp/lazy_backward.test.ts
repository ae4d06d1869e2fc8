/**
 * The QP forward pass defers the backward-only KKT factorization to the first
 * `backward` call (issue 15): inference never pays for it, a gradient still
 * matches central finite differences of the float64 solve, later backward
 * calls reuse the factorization, and a deferred factorization that cannot be
 * computed is flagged, never used.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { solveQpBatch, type QpBatch } from '../../../solvers/qp/index.js';
import { InequalityOperator } from '../../../solvers/qp/inequality_operator.js';
import { ReducedKkt } from '../../../solvers/qp/reduced_kkt.js';
import { normalSampler, randomQp } from './qp_fixtures.js';

afterEach(() => {
  vi.restoreAllMocks();
});

/** Max |analytic - central FD| over the entries of one argument, relative to its largest FD entry. */
function fdRelativeError(data: Float64Array, analytic: Float64Array, loss: () => number): number {
  const eps = 1e-6;
  let err = 0;
  let scale = 1e-3;
  for (let i = 0; i < data.length; i++) {
    const old = data[i]!;
    data[i] = old + eps;
    const lp = loss();
    data[i] = old - eps;
    const lm = loss();
    data[i] = old;
    const fd = (lp - lm) / (2 * eps);
    err = Math.max(err, Math.abs(fd - analytic[i]!));
    scale = Math.max(scale, Math.abs(fd));
  }
  return err / scale;
}

/** Dense Gaussian elimination with partial pivoting (independent of the Cholesky code under test). */
function gaussSolve(M: Float64Array, r: Float64Array, n: number): Float64Array {
  const a = M.slice();
  const x = r.slice();
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let i = c + 1; i < n; i++) if (Math.abs(a[i * n + c]!) > Math.abs(a[piv * n + c]!)) piv = i;
    for (let j = 0; j < n; j++) [a[c * n + j], a[piv * n + j]] = [a[piv * n + j]!, a[c * n + j]!];
    [x[c], x[piv]] = [x[piv]!, x[c]!];
    for (let i = c + 1; i < n; i++) {
      const f = a[i * n + c]! / a[c * n + c]!;
      for (let j = c; j < n; j++) a[i * n + j] -= f * a[c * n + j]!;
      x[i] -= f * x[c]!;
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    for (let j = i + 1; j < n; j++) x[i] -= a[i * n + j]! * x[j]!;
    x[i] /= a[i * n + i]!;
  }
  return x;
}

const UNPOLISHED = { tol: 1e-12, polish: false, threads: 1 } as const;

describe('lazy backward factorization of the QP solver', () => {
  it('inference does not factor for the backward; the first backward factors once per solved example, later ones reuse it', () => {
    const qp = randomQp({ batch: 4, n: 6, nIneq: 8, nEq: 2, seed: 21, activeFraction: 0.5 });
    const factor = vi.spyOn(ReducedKkt.prototype, 'factor');
    const res = solveQpBatch(qp, UNPOLISHED);
    expect(res.status.every((s) => s === 'optimal')).toBe(true);
    const forwardCalls = factor.mock.calls.length;
    // Each example factors once per iteration plus the starting point: the forward count is the iterations' (no extra one).
    const iterations = res.iterations.reduce((a, b) => a + b, 0);
    expect(forwardCalls).toBeLessThanOrEqual(iterations + qp.batch);
    const { randn } = normalSampler(5);
    const dl = Float64Array.from({ length: qp.batch * qp.n }, randn);
    const first = res.backward(dl);
    expect(factor.mock.calls.length - forwardCalls).toBe(qp.batch);
    const second = res.backward(dl);
    expect(factor.mock.calls.length - forwardCalls).toBe(qp.batch);
    expect(Array.from(second.dG)).toEqual(Array.from(first.dG));
    expect(Array.from(second.dQ)).toEqual(Array.from(first.dQ));
    expect(Array.from(first.backwardFailed)).toEqual([0, 0, 0, 0]);
  });

  it('gradients through the deferred factorization match central finite differences for every argument', () => {
    const qp: QpBatch = randomQp({ batch: 2, n: 5, nIneq: 7, nEq: 2, seed: 22, activeFraction: 0.4 });
    const { randn } = normalSampler(6);
    const weights = Float64Array.from({ length: qp.batch * qp.n }, randn);
    const loss = () => {
      const r = solveQpBatch(qp, UNPOLISHED);
      let t = 0;
      for (let i = 0; i < weights.length; i++) t += weights[i]! * r.z[i]!;
      return t;
    };
    const res = solveQpBatch(qp, UNPOLISHED);
    expect(res.status.every((s) => s === 'optimal')).toBe(true);
    const g = res.backward(weights);
    expect(Array.from(g.backwardFailed)).toEqual([0, 0]);
    const pairs = [['Q', g.dQ], ['p', g.dp], ['G', g.dG], ['h', g.dh], ['A', g.dA], ['b', g.db]] as const;
    for (const [name, grad] of pairs) expect(fdRelativeError(qp[name].data, grad, loss), `d${name}`).toBeLessThan(1e-5);
  });

  it('the polished path keeps its polishing factorization: backward factors nothing', () => {
    const qp = randomQp({ batch: 3, n: 5, nIneq: 6, nEq: 1, seed: 23, activeFraction: 0.5 });
    const factor = vi.spyOn(ReducedKkt.prototype, 'factor');
    const res = solveQpBatch(qp, { tol: 1e-12, threads: 1 });
    const before = factor.mock.calls.length;
    const g = res.backward(new Float64Array(qp.batch * qp.n).fill(1));
    // Polishing is kept on these well-conditioned problems, so its factorization is the backward's.
    expect(factor.mock.calls.length - before).toBe(0);
    expect(Array.from(g.backwardFailed)).toEqual([0, 0, 0]);
  });

  it('a deferred factorization solves the system of its weights (checked by Gaussian elimination), and a non-finite one reports nonfinite', () => {
    const n = 4;
    const m = 3;
    const { randn } = normalSampler(31);
    const q = new Float64Array(n * n);
    for (let i = 0; i < n; i++) q[i * n + i] = 1 + i;
    const g = Float64Array.from({ length: m * n }, randn);
    const op = new InequalityOperator(g, 0, m, n, true);
    const kkt = new ReducedKkt(n, m, 0, q, 0, false, op, new Float64Array(0), 0, 1e-12, 5);
    const w = Float64Array.of(2, 0.5, 3);
    kkt.deferFactor(w);
    expect(kkt.isFactored).toBe(false);
    expect(kkt.ensureFactored()).toBe('ok');
    expect(kkt.isFactored).toBe(true);
    const r = Float64Array.from({ length: n }, randn);
    const x = new Float64Array(n);
    kkt.solve(r, new Float64Array(0), x, new Float64Array(0));
    // H = Q + G' W G, assembled densely.
    const H = q.slice();
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < m; k++) H[i * n + j] += g[k * n + i]! * w[k]! * g[k * n + j]!;
    const ref = gaussSolve(H, r, n);
    for (let i = 0; i < n; i++) expect(x[i]).toBeCloseTo(ref[i]!, 10);
    const bad = new ReducedKkt(n, m, 0, q, 0, false, op, new Float64Array(0), 0, 1e-12, 5);
    bad.deferFactor(Float64Array.of(Infinity, 1, 1));
    expect(bad.ensureFactored()).toBe('nonfinite');
    expect(bad.isFactored).toBe(false);
  });
});
