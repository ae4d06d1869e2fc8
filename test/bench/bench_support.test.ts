/**
 * The benchmarks' own numerics, checked against independent evidence:
 * the Python port of the random stream against the TypeScript one (python3,
 * no numpy needed), the timing summary against hand-computed quantiles, the
 * power-law fit on exact power laws, and the exact active-set QP gradient of
 * bench/convex.ts against central finite differences of the float64 QP solve.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { activeSetQp } from '../../bench/common/active_set_qp.js';
import { benchRandom } from '../../bench/common/bench_random.js';
import { denseQpCase } from '../../bench/common/qp_cases.js';
import { powerLawFit, summarize } from '../../bench/common/stats.js';
import { solveQpBatch } from '../../solvers/qp/index.js';

describe('bench random stream', () => {
  it('bench/peers/bench_random.py draws the same uniforms (bit for bit) and normals (to 1 ulp) as benchRandom', () => {
    const count = 50;
    const out = spawnSync('python3', ['bench/peers/bench_random.py', '1501', String(count)], { encoding: 'utf8' });
    expect(out.status, out.stderr).toBe(0);
    const py = out.stdout.trim().split(' ').map(Number);
    const rng = benchRandom(1501);
    const ts = [...Array.from({ length: count }, () => rng.uniform()), ...Array.from({ length: count }, () => rng.normal())];
    expect(py.length).toBe(2 * count);
    for (let i = 0; i < count; i++) expect(py[i]).toBe(ts[i]);
    for (let i = count; i < 2 * count; i++) expect(Math.abs(py[i]! - ts[i]!)).toBeLessThanOrEqual(4e-16 * Math.max(1, Math.abs(ts[i]!)));
  });
});

describe('summarize and powerLawFit', () => {
  it('linear-interpolation quartiles, extremes and count', () => {
    expect(summarize([4, 1, 3, 2])).toEqual({ median: 2.5, q1: 1.75, q3: 3.25, min: 1, max: 4, n: 4 });
    expect(summarize([7])).toEqual({ median: 7, q1: 7, q3: 7, min: 7, max: 7, n: 1 });
    expect(() => summarize([])).toThrow(RangeError);
  });

  it('recovers the exponent of an exact power law', () => {
    const x = [10, 100, 300, 1000];
    expect(powerLawFit(x, x.map((v) => 3 * v ** 1.5))).toEqual({ exponent: 1.5, r2: 1 });
    expect(powerLawFit(x, x.map((v) => 0.01 * v ** 2)).exponent).toBe(2);
  });
});

describe('activeSetQp (bench/convex.ts reference gradient)', () => {
  it('matches central finite differences of the float64 interior point solve for dS, dp, dG, dh', () => {
    const n = 5;
    const m = 6;
    const data = denseQpCase(1, n, m, 91);
    const w = Float64Array.from({ length: n }, (_, i) => 1 + 0.3 * i);
    const solveZ = (S: Float64Array, p: Float64Array, G: Float64Array, h: Float64Array) => {
      const Q = new Float64Array(n * n);
      for (let k = 0; k < n; k++) for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) Q[i * n + j] += S[k * n + i]! * S[k * n + j]!;
      const arg = (d: Float64Array) => ({ data: d, batched: false });
      const r = solveQpBatch({ batch: 1, n, nIneq: m, nEq: 0, Q: arg(Q), p: arg(p), G: arg(G), h: arg(h), A: arg(new Float64Array(0)), b: arg(new Float64Array(0)) }, { tol: 1e-13 });
      expect(r.status[0]).toBe('optimal');
      return r;
    };
    const base = solveZ(data.S, data.p, data.G, data.h);
    const guess = Uint8Array.from({ length: m }, (_, k) => (base.lam[k]! > base.slack[k]! ? 1 : 0));
    const exact = activeSetQp(data.S, data.p, data.G, data.h, n, m, guess, w);
    expect(exact.optimal).toBe(true);
    expect(exact.margin).toBeGreaterThan(1e-6);
    for (let i = 0; i < n; i++) expect(exact.z[i]).toBeCloseTo(base.z[i]!, 8);
    const loss = () => {
      const z = solveZ(data.S, data.p, data.G, data.h).z;
      return z.reduce((a, zi, i) => a + w[i]! * zi, 0);
    };
    const eps = 1e-6;
    const pairs = [[data.S, exact.dS], [data.p, exact.dp], [data.G, exact.dG], [data.h, exact.dh]] as const;
    for (const [arr, grad] of pairs) {
      let worst = 0;
      let scale = 1e-3;
      for (let i = 0; i < arr.length; i++) {
        const old = arr[i]!;
        arr[i] = old + eps;
        const lp = loss();
        arr[i] = old - eps;
        const lm = loss();
        arr[i] = old;
        const fd = (lp - lm) / (2 * eps);
        worst = Math.max(worst, Math.abs(fd - grad[i]!));
        scale = Math.max(scale, Math.abs(fd));
      }
      expect(worst / scale).toBeLessThan(1e-5);
    }
  });

  it('flips a wrong active-set guess to the optimal one', () => {
    const n = 4;
    const m = 5;
    const data = denseQpCase(1, n, m, 92);
    const right = activeSetQp(data.S, data.p, data.G, data.h, n, m, new Uint8Array(m), new Float64Array(n).fill(1), 8);
    expect(right.optimal).toBe(true);
    const allActive = activeSetQp(data.S, data.p, data.G, data.h, n, m, new Uint8Array(m).fill(1), new Float64Array(n).fill(1), 8);
    expect(allActive.optimal).toBe(true);
    for (let i = 0; i < n; i++) expect(allActive.z[i]).toBeCloseTo(right.z[i]!, 10);
  });
});
