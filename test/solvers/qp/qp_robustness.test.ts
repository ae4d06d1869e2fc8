import { describe, expect, it } from 'vitest';
import { solveQpBatch, type QpBatch } from '../../../solvers/qp/index.js';
import { normalSampler, singleQp } from './qp_fixtures.js';

/**
 * Robustness of the interior point method on small strictly convex QPs with
 * z = 0 strictly feasible (h > 0), the OptNet-layer regime. Before the
 * neighbourhood safeguard (solvers/qp/step_length.ts) Mehrotra's iteration
 * fell into a period-4 cycle on about 1 in 10^4 such problems (mu rising
 * again every other step) and ended 'max_iters' whatever the iteration limit.
 */

/** Solves the square system M x = r (row-major, n x n) by Gaussian elimination with partial pivoting; null if singular. */
function denseSolve(M: number[], r: number[], n: number): number[] | null {
  const a = M.slice();
  const b = r.slice();
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let i = c + 1; i < n; i++) if (Math.abs(a[i * n + c]!) > Math.abs(a[piv * n + c]!)) piv = i;
    if (Math.abs(a[piv * n + c]!) < 1e-13) return null;
    if (piv !== c) {
      for (let j = 0; j < n; j++) [a[c * n + j], a[piv * n + j]] = [a[piv * n + j]!, a[c * n + j]!];
      [b[c], b[piv]] = [b[piv]!, b[c]!];
    }
    for (let i = c + 1; i < n; i++) {
      const f = a[i * n + c]! / a[c * n + c]!;
      for (let j = c; j < n; j++) a[i * n + j] -= f * a[c * n + j]!;
      b[i] -= f * b[c]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let t = b[i]!;
    for (let j = i + 1; j < n; j++) t -= a[i * n + j]! * x[j]!;
    x[i] = t / a[i * n + i]!;
  }
  return x;
}

/**
 * The minimizer of a strictly convex, inequality-only QP by brute-force
 * active-set enumeration: for every set S of at most n rows solve
 * [Q G_S'; G_S 0][z; lam_S] = [-p; h_S] and keep the (unique) solution that is
 * primal feasible with lam_S >= 0.
 */
function activeSetSolution(qp: QpBatch): { z: number[]; lam: number[] } {
  const { n, nIneq: m } = qp;
  const Q = Array.from(qp.Q.data);
  const G = Array.from(qp.G.data);
  const h = Array.from(qp.h.data);
  const p = Array.from(qp.p.data);
  for (let mask = 0; mask < 1 << m; mask++) {
    const rows = Array.from({ length: m }, (_, k) => k).filter((k) => (mask >> k) & 1);
    if (rows.length > n) continue;
    const size = n + rows.length;
    const K = new Array<number>(size * size).fill(0);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) K[i * size + j] = Q[i * n + j]!;
    rows.forEach((k, r) => {
      for (let j = 0; j < n; j++) K[(n + r) * size + j] = K[j * size + n + r] = G[k * n + j]!;
    });
    const sol = denseSolve(K, [...p.map((v) => -v), ...rows.map((k) => h[k]!)], size);
    if (!sol) continue;
    const z = sol.slice(0, n);
    const lam = new Array<number>(m).fill(0);
    rows.forEach((k, r) => (lam[k] = sol[n + r]!));
    const feasible = h.every((hk, k) => G.slice(k * n, (k + 1) * n).reduce((t, g, j) => t + g * z[j]!, 0) <= hk + 1e-12);
    if (feasible && lam.every((l) => l >= -1e-12)) return { z, lam };
  }
  throw new Error('no KKT point found');
}

/** Max-norm KKT residual of (z, lam): stationarity, primal feasibility (Gz - h)_+, lam_- and complementarity. */
function kktResidual(qp: QpBatch, z: Float64Array, lam: Float64Array): number {
  const { n, nIneq: m } = qp;
  const Q = qp.Q.data;
  const G = qp.G.data;
  let res = 0;
  for (let i = 0; i < n; i++) {
    let t = qp.p.data[i]!;
    for (let j = 0; j < n; j++) t += Q[i * n + j]! * z[j]!;
    for (let k = 0; k < m; k++) t += G[k * n + i]! * lam[k]!;
    res = Math.max(res, Math.abs(t));
  }
  for (let k = 0; k < m; k++) {
    let gz = 0;
    for (let j = 0; j < n; j++) gz += G[k * n + j]! * z[j]!;
    const slack = qp.h.data[k]! - gz;
    res = Math.max(res, -slack, -lam[k]!, Math.abs(lam[k]! * slack));
  }
  return res;
}

interface Family {
  n: number;
  m: number;
  /** Scale of p ~ N(0, pScale^2). */
  pScale: number;
  /** Q = L L' + shift I with L ~ N(0, lScale^2). */
  lScale: number;
  shift: number;
  /** G ~ N(0, gScale^2). */
  gScale: number;
}

/** A strictly convex QP with h ~ U(0.05, 0.3) > 0, so z = 0 is strictly feasible (the OptNet regime). */
function optnetStyleQp(seed: number, f: Family): QpBatch {
  const { n, m } = f;
  const { randn, uniform } = normalSampler(seed);
  const L = Array.from({ length: n * n }, () => f.lScale * randn());
  const Q: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let t = 0;
      for (let k = 0; k < n; k++) t += L[i * n + k]! * L[j * n + k]!;
      Q.push(t + (i === j ? f.shift : 0));
    }
  }
  const p = Array.from({ length: n }, () => f.pScale * randn());
  const G = Array.from({ length: m * n }, () => f.gScale * randn());
  const h = Array.from({ length: m }, () => 0.05 + 0.25 * uniform());
  return singleQp(n, { Q, p, G, h });
}

/** The instance of the bug report (a stable period-4 cycle of the unguarded Mehrotra iteration). */
const REPORTED = singleQp(4, {
  Q: [2.347745418548584, 0.7044464349746704, 0.8733198642730713, -0.2777295410633087, 0.7044464349746704, 2.1723222732543945, 1.0943546295166016, -0.7807133197784424, 0.8733198642730713, 1.0943546295166016, 2.8705222606658936, -1.1728825569152832, -0.2777295410633087, -0.7807133197784424, -1.1728825569152832, 2.744453191757202],
  p: [0.08094251155853271, 0.010093748569488525, 0.06551531702280045, -0.12162785232067108],
  G: [-0.3652036190032959, -0.11996952444314957, 0.4968053698539734, -0.43576252460479736, -0.3486276865005493, -0.6528589725494385, -0.6559715270996094, 0.6839157342910767, -0.40469005703926086, -0.925829291343689, -0.3498762845993042, 0.8056610822677612, -0.2519756257534027, 1.3820332288742065, 0.4932001233100891, -0.9774220585823059],
  h: [0.09969964623451233, 0.2561470866203308, 0.05635049566626549, 0.0806843712925911],
});

/** Every instance the unguarded iteration ended 'max_iters' on in a scan of 100,000 draws of `optnetStyleQp`. */
const PREVIOUSLY_FAILING: ReadonlyArray<readonly [number, Family]> = [
  [104796, { n: 4, m: 4, pScale: 0.1, lScale: 1, shift: 0.1, gScale: 0.5 }],
  [301892, { n: 4, m: 4, pScale: 0.05, lScale: 0.7, shift: 1, gScale: 0.7 }],
  [402833, { n: 3, m: 6, pScale: 0.1, lScale: 0.7, shift: 1, gScale: 0.5 }],
  [404253, { n: 3, m: 6, pScale: 0.1, lScale: 0.7, shift: 1, gScale: 0.5 }],
  [701180, { n: 3, m: 6, pScale: 0.05, lScale: 0.7, shift: 1, gScale: 0.7 }],
  [703638, { n: 3, m: 6, pScale: 0.05, lScale: 0.7, shift: 1, gScale: 0.7 }],
  [704547, { n: 3, m: 6, pScale: 0.05, lScale: 0.7, shift: 1, gScale: 0.7 }],
  [901496, { n: 8, m: 8, pScale: 0.1, lScale: 1, shift: 0.1, gScale: 0.5 }],
  [1000708, { n: 8, m: 8, pScale: 0.3, lScale: 0.7, shift: 1, gScale: 0.5 }],
  [1002552, { n: 8, m: 8, pScale: 0.3, lScale: 0.7, shift: 1, gScale: 0.5 }],
];

describe('solveQpBatch robustness on small strictly convex QPs (h > 0)', () => {
  it('solves the reported instance (all constraints inactive) to the active-set reference', () => {
    const ref = activeSetSolution(REPORTED);
    expect(ref.lam).toEqual([0, 0, 0, 0]);
    for (const options of [{}, { maxIters: 200 }, { tol: 1e-6 }]) {
      const res = solveQpBatch(REPORTED, options);
      expect(res.status[0]).toBe('optimal');
      expect(res.iterations[0]).toBeLessThanOrEqual(15);
      expect(res.kktResidual[0]).toBeLessThanOrEqual(options.tol ? 1e-5 : 1e-8);
      if (options.tol) continue;
      expect(kktResidual(REPORTED, res.z, res.lam)).toBeLessThanOrEqual(1e-8);
      for (let i = 0; i < 4; i++) expect(Math.abs(res.z[i]! - ref.z[i]!)).toBeLessThanOrEqual(1e-7);
      for (let k = 0; k < 4; k++) expect(Math.abs(res.lam[k]!)).toBeLessThanOrEqual(1e-8);
    }
  });

  it('solves the instances the unguarded iteration cycled on, matching the active-set reference', () => {
    for (const [seed, family] of PREVIOUSLY_FAILING) {
      const qp = optnetStyleQp(seed, family);
      const res = solveQpBatch(qp, { threads: 1 });
      expect({ seed, status: res.status[0] }).toEqual({ seed, status: 'optimal' });
      expect(kktResidual(qp, res.z, res.lam)).toBeLessThanOrEqual(1e-8);
      const ref = activeSetSolution(qp);
      for (let i = 0; i < family.n; i++) expect(Math.abs(res.z[i]! - ref.z[i]!)).toBeLessThanOrEqual(1e-7);
    }
  });

  it('solves 480 random OptNet-style QPs (n 2..8, m 2..10) to optimality', () => {
    const failures: string[] = [];
    let worstIterations = 0;
    let count = 0;
    for (const lScale of [0.7, 1]) {
      for (const shift of [1, 0.1]) {
        for (const pScale of [0.05, 0.1, 0.3]) {
          for (let t = 0; t < 40; t++) {
            const family = { n: 2 + (t % 7), m: 2 + ((3 * t) % 9), pScale, lScale, shift, gScale: 0.5 };
            const seed = 7919 * count++ + 17;
            const qp = optnetStyleQp(seed, family);
            const res = solveQpBatch(qp, { threads: 1 });
            worstIterations = Math.max(worstIterations, res.iterations[0]!);
            const kkt = kktResidual(qp, res.z, res.lam);
            if (res.status[0] !== 'optimal' || !(kkt <= 1e-8)) failures.push(`seed ${seed} ${JSON.stringify(family)}: ${res.status[0]}, KKT ${kkt}`);
          }
        }
      }
    }
    expect(count).toBe(480);
    expect(failures).toEqual([]);
    expect(worstIterations).toBeLessThanOrEqual(20);
  });
});
