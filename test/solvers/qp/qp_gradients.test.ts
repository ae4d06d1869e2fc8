import { describe, expect, it } from 'vitest';
import { solveOsqpForm, solveQpBatch, type OsqpBatch, type QpBatch } from '../../../solvers/qp/index.js';
import { normalSampler, randomQp } from './qp_fixtures.js';

const TIGHT = { tol: 1e-12 };
const EPS = 1e-6;

/** Max over entries of |analytic - central FD| relative to the argument's largest FD entry. */
function fdRelativeError(data: Float64Array, analytic: Float64Array, loss: () => number): number {
  let err = 0;
  let scale = 1e-3;
  for (let i = 0; i < data.length; i++) {
    const old = data[i]!;
    data[i] = old + EPS;
    const lp = loss();
    data[i] = old - EPS;
    const lm = loss();
    data[i] = old;
    const fd = (lp - lm) / (2 * EPS);
    err = Math.max(err, Math.abs(fd - analytic[i]!));
    scale = Math.max(scale, Math.abs(fd));
  }
  return err / scale;
}

function checkQpGradients(qp: QpBatch, seed: number): void {
  const { randn } = normalSampler(seed);
  const weights = Float64Array.from({ length: qp.batch * qp.n }, randn);
  const loss = () => {
    const r = solveQpBatch(qp, TIGHT);
    let t = 0;
    for (let i = 0; i < weights.length; i++) t += weights[i]! * r.z[i]!;
    return t;
  };
  const res = solveQpBatch(qp, TIGHT);
  expect(res.status.every((s) => s === 'optimal')).toBe(true);
  const g = res.backward(weights);
  const pairs = [['Q', g.dQ], ['p', g.dp], ['G', g.dG], ['h', g.dh], ['A', g.dA], ['b', g.db]] as const;
  for (const [name, grad] of pairs) {
    expect(grad.length, `d${name} shape`).toBe(qp[name].data.length);
    expect(fdRelativeError(qp[name].data, grad, loss), `d${name}`).toBeLessThan(1e-5);
  }
}

describe('solveQpBatch backward vs central finite differences', () => {
  it('all arguments batched, active and inactive inequalities', () => {
    checkQpGradients(randomQp({ batch: 2, n: 5, nIneq: 6, nEq: 2, seed: 11, activeFraction: 0.5 }), 1);
  });
  it('broadcast Q, G and b (gradients summed over the batch)', () => {
    checkQpGradients(randomQp({ batch: 3, n: 4, nIneq: 5, nEq: 1, seed: 12, shared: ['Q', 'G', 'b'], activeFraction: 0.4 }), 2);
  });
  it('broadcast p, h and A, inequality-heavy', () => {
    checkQpGradients(randomQp({ batch: 2, n: 4, nIneq: 8, nEq: 1, seed: 13, shared: ['p', 'h', 'A', 'G', 'b'], activeFraction: 0.25 }), 3);
  });
  it('dQ is symmetric: 1/2 (dz z\' + z dz\')', () => {
    const qp = randomQp({ batch: 1, n: 4, nIneq: 3, nEq: 0, seed: 14 });
    const g = solveQpBatch(qp).backward(Float64Array.of(1, -2, 0.5, 3));
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) expect(g.dQ[i * 4 + j]).toBeCloseTo(g.dQ[j * 4 + i]!, 14);
  });
});

describe('solveOsqpForm', () => {
  // Rows: 0 equality (l = u), 1 two-sided, 2 lower-only, 3 upper-only, 4 free.
  function osqpProblem(): OsqpBatch {
    const { randn } = normalSampler(21);
    const n = 4;
    const m = 5;
    const batch = 2;
    const L = Array.from({ length: n * n }, randn);
    const P = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      let t = 0;
      for (let k = 0; k < n; k++) t += L[i * n + k]! * L[j * n + k]!;
      P[i * n + j] = t / n + (i === j ? 0.1 : 0);
    }
    const A = Float64Array.from({ length: batch * m * n }, randn);
    const q = Float64Array.from({ length: batch * n }, () => 3 * randn());
    const l = new Float64Array(batch * m);
    const u = new Float64Array(batch * m);
    for (let e = 0; e < batch; e++) {
      const x0 = Array.from({ length: n }, randn);
      const ax = (i: number) => x0.reduce((t, v, j) => t + v * A[e * m * n + i * n + j]!, 0);
      l[e * m] = u[e * m] = ax(0);
      l[e * m + 1] = ax(1) - 0.3; u[e * m + 1] = ax(1) + 0.2;
      l[e * m + 2] = ax(2) - 0.1; u[e * m + 2] = Infinity;
      l[e * m + 3] = -Infinity; u[e * m + 3] = ax(3) + 0.05;
      l[e * m + 4] = -Infinity; u[e * m + 4] = Infinity;
    }
    const b = (data: Float64Array, batched: boolean) => ({ data, batched });
    return { batch, n, m, P: b(P, false), q: b(q, true), A: b(A, true), l: b(l, true), u: b(u, true) };
  }

  it('matches the same problem written in OptNet form', () => {
    const pr = osqpProblem();
    const res = solveOsqpForm(pr);
    const { n, m, batch } = pr;
    for (let e = 0; e < batch; e++) {
      const row = (i: number) => Array.from(pr.A.data.subarray(e * m * n + i * n, e * m * n + (i + 1) * n));
      const G = [...row(1), ...row(1).map((v) => -v), ...row(2).map((v) => -v), ...row(3)];
      const h = [pr.u.data[e * m + 1]!, -pr.l.data[e * m + 1]!, -pr.l.data[e * m + 2]!, pr.u.data[e * m + 3]!];
      const f = (x: number[] | Float64Array) => ({ data: Float64Array.from(x), batched: false });
      const ref = solveQpBatch({
        batch: 1, n, nIneq: 4, nEq: 1, Q: f(pr.P.data), p: f(pr.q.data.subarray(e * n, (e + 1) * n)),
        G: f(G), h: f(h), A: f(row(0)), b: f([pr.l.data[e * m]!]),
      });
      expect(res.status[e]).toBe('optimal');
      for (let i = 0; i < n; i++) expect(res.x[e * n + i]).toBeCloseTo(ref.z[i]!, 8);
      expect(res.y[e * m]).toBeCloseTo(ref.nu[0]!, 7);
      expect(res.y[e * m + 1]).toBeCloseTo(ref.lam[0]! - ref.lam[1]!, 7);
      expect(res.y[e * m + 4]).toBe(0);
    }
  });

  it('has gradients for P, q, A, l, u matching finite differences', () => {
    const pr = osqpProblem();
    const { randn } = normalSampler(5);
    const w = Float64Array.from({ length: pr.batch * pr.n }, randn);
    const loss = () => {
      const r = solveOsqpForm(pr, TIGHT);
      return r.x.reduce((t, v, i) => t + v * w[i]!, 0);
    };
    const g = solveOsqpForm(pr, TIGHT).backward(w);
    expect(fdRelativeError(pr.P.data, g.dP, loss), 'dP').toBeLessThan(1e-5);
    expect(fdRelativeError(pr.q.data, g.dq, loss), 'dq').toBeLessThan(1e-5);
    expect(fdRelativeError(pr.A.data, g.dA, loss), 'dA').toBeLessThan(1e-5);
    // Finite bounds only (an infinite bound has no finite difference); equality rows are
    // checked through l + u moving together, one-sided moves of l = u change the problem's form.
    const fin = (arr: Float64Array, grad: Float64Array, skip: (i: number) => boolean) => {
      const idx: number[] = [];
      for (let i = 0; i < arr.length; i++) if (Number.isFinite(arr[i]!) && !skip(i % pr.m)) idx.push(i);
      let err = 0;
      let scale = 1e-3;
      for (const i of idx) {
        const old = arr[i]!;
        arr[i] = old + EPS;
        const lp = loss();
        arr[i] = old - EPS;
        const lm = loss();
        arr[i] = old;
        const fd = (lp - lm) / (2 * EPS);
        err = Math.max(err, Math.abs(fd - grad[i]!));
        scale = Math.max(scale, Math.abs(fd));
      }
      return err / scale;
    };
    expect(fin(pr.l.data, g.dl, (i) => i === 0), 'dl').toBeLessThan(1e-5);
    expect(fin(pr.u.data, g.du, (i) => i === 0), 'du').toBeLessThan(1e-5);
    for (let e = 0; e < pr.batch; e++) {
      const i = e * pr.m;
      const old = pr.l.data[i]!;
      pr.l.data[i] = pr.u.data[i] = old + EPS;
      const lp = loss();
      pr.l.data[i] = pr.u.data[i] = old - EPS;
      const lm = loss();
      pr.l.data[i] = pr.u.data[i] = old;
      expect(g.dl[i]! + g.du[i]!).toBeCloseTo((lp - lm) / (2 * EPS), 5);
    }
  });

  it('rejects l > u and mixed finiteness across the batch', () => {
    const pr = osqpProblem();
    const l = Float64Array.from(pr.l.data);
    l[1] = pr.u.data[1]! + 1;
    expect(() => solveOsqpForm({ ...pr, l: { data: l, batched: true } })).toThrow(/l > u/);
    const u = Float64Array.from(pr.u.data);
    u[pr.m + 2] = 5; // row 2 upper bound finite only in example 1
    expect(() => solveOsqpForm({ ...pr, u: { data: u, batched: true } })).toThrow(/finite in some/);
  });
});
