import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { cscFromDense, loadScs, NO_CONES, solveScs, type ConeProgram, type ConeSolution } from '../../../solvers/index.js';
import { verifyInfeasibility, verifyUnboundedness } from '../../../solvers/scs/scs_certificates.js';
import { knownProgram } from '../cone_derivative/random_programs.js';
import { mulberry32 } from '../../../examples/common/random.js';

beforeAll(async () => {
  await loadScs();
});

/** A dense LP/QP  min 1/2 x'Px + c'x  s.t.  E x = f,  G x <= h, kept dense for the test's own evaluation. */
interface DenseQp {
  n: number;
  P: number[][];
  c: number[];
  E: number[][];
  f: number[];
  G: number[][];
  h: number[];
}

function toCone(q: DenseQp): ConeProgram {
  const rows = [...q.E, ...q.G];
  const A = cscFromDense(rows.length, q.n, rows.flat());
  const hasP = q.P.some((r) => r.some((v) => v !== 0));
  return {
    A,
    b: Float64Array.from([...q.f, ...q.h]),
    c: Float64Array.from(q.c),
    ...(hasP ? { P: cscFromDense(q.n, q.n, q.P.flat()) } : {}),
    cones: { ...NO_CONES, zero: q.E.length, nonneg: q.G.length },
  };
}

const dotv = (a: number[], b: ArrayLike<number>): number => a.reduce((s, v, i) => s + v * b[i]!, 0);
const objective = (q: DenseQp, x: ArrayLike<number>): number => 0.5 * q.P.reduce((s, row, i) => s + x[i]! * dotv(row, x), 0) + dotv(q.c, x);

/** The test's own measure of how far x is from feasible, relative to 1 + max|data rhs|. */
function violation(q: DenseQp, x: ArrayLike<number>): number {
  const scale = 1 + Math.max(0, ...q.f.map(Math.abs), ...q.h.map(Math.abs));
  let worst = 0;
  q.E.forEach((row, i) => (worst = Math.max(worst, Math.abs(dotv(row, x) - q.f[i]!))));
  q.G.forEach((row, i) => (worst = Math.max(worst, dotv(row, x) - q.h[i]!)));
  return worst / scale;
}

/** Mulberry32 (the examples' seeded generator) for the planted data, driven by a fast-check seed. */
const rng = mulberry32;

/**
 * A QP with a planted unique solution: P = LL' + 0.5 I, x* and multipliers
 * chosen first, c = -(P x* + E'nu + G'lam) (KKT of SCS's sign convention),
 * inactive rows given slack. `scale` multiplies x* and the right-hand sides.
 */
function plantedQp(seed: number, scale: number): { q: DenseQp; xStar: number[]; fStar: number } {
  const r = rng(seed);
  const g = (): number => 2 * r() - 1;
  const n = 2 + Math.floor(r() * 4);
  const me = Math.floor(r() * 2);
  const mi = 1 + Math.floor(r() * 5);
  const L = Array.from({ length: n }, () => Array.from({ length: n }, g));
  const P = L.map((_, i) => L.map((__, j) => L[i]!.reduce((s, v, k) => s + v * L[j]![k]!, 0) + (i === j ? 0.5 : 0)));
  const xStar = Array.from({ length: n }, () => g() * scale);
  const E = Array.from({ length: me }, () => Array.from({ length: n }, g));
  const G = Array.from({ length: mi }, () => Array.from({ length: n }, g));
  const f = E.map((row) => dotv(row, xStar));
  const active = G.map(() => r() < 0.5);
  const h = G.map((row, i) => dotv(row, xStar) + (active[i] ? 0 : (0.1 + r()) * scale));
  const nu = E.map(g);
  const lam = G.map((_, i) => (active[i] ? 0.1 + r() : 0));
  const c = Array.from({ length: n }, (_, j) => {
    let v = dotv(P[j]!, xStar);
    E.forEach((row, i) => (v += row[j]! * nu[i]!));
    G.forEach((row, i) => (v += row[j]! * lam[i]!));
    return -v;
  });
  const q = { n, P, c, E, f, G, h };
  return { q, xStar, fStar: objective(q, xStar) };
}

/** Adds the contradictory pair a'x <= beta, -a'x <= -beta - gap (gap > 0 relative to |beta| + 1). */
function makeInfeasible(q: DenseQp, seed: number): DenseQp {
  const r = rng(seed ^ 0x9e3779b9);
  const a = q.G[0]!;
  const beta = q.h[0]!;
  const gap = (0.05 + r()) * (1 + Math.abs(beta));
  return { ...q, G: [...q.G, a.map((v) => -v)], h: [...q.h, -beta - gap] };
}

/** An LP with a recession direction d (Gd <= 0) of negative cost: unbounded below. */
function plantedUnboundedLp(seed: number): DenseQp {
  const r = rng(seed);
  const g = (): number => 2 * r() - 1;
  const n = 2 + Math.floor(r() * 4);
  const d = Array.from({ length: n }, g);
  const x0 = Array.from({ length: n }, g);
  const G = Array.from({ length: 1 + Math.floor(r() * 5) }, () => {
    const row = Array.from({ length: n }, g);
    return dotv(row, d) > 0 ? row.map((v) => -v) : row;
  });
  const h = G.map((row) => dotv(row, x0) + r());
  const c = d.map((v) => -v + 0.01 * g());
  const adjust = dotv(c, d) >= 0 ? d.map((v) => -v) : c;
  return { n, P: d.map(() => d.map(() => 0)), c: adjust, E: [], f: [], G, h };
}

const SOLVED = new Set(['optimal', 'optimal_inaccurate']);

function checkSolvedPoint(q: DenseQp, sol: ConeSolution, tolInaccurate: number): void {
  // Independent evidence: the test's own feasibility evaluation on the dense data.
  const tol = sol.status === 'optimal' ? 1e-6 : 20 * tolInaccurate;
  expect(violation(q, sol.x)).toBeLessThanOrEqual(tol);
}

describe('SCS statuses are checked on the unscaled data (seeded property tests)', () => {
  it('planted QPs at scales 1e-3..1e6, any iteration or time limit: never a certificate, optimal points match x*', () => {
    let optimal = 0;
    let inaccurate = 0;
    let unconverged = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 30 }),
        fc.constantFrom(1e-3, 1, 1e3, 1e6),
        fc.constantFrom(5, 30, 200, 100_000),
        fc.boolean(),
        (seed, scale, maxIters, timeLimited) => {
          const { q, xStar, fStar } = plantedQp(seed, scale);
          const sol = solveScs(toCone(q), { maxIters, ...(timeLimited ? { timeLimitSecs: 1e-7 } : {}) });
          expect(['optimal', 'optimal_inaccurate', 'max_iters']).toContain(sol.status);
          if (SOLVED.has(sol.status)) checkSolvedPoint(q, sol, 1e-5);
          if (sol.status === 'optimal') {
            optimal++;
            expect(Math.abs(objective(q, sol.x) - fStar)).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(fStar)));
            const xNorm = Math.max(1, ...xStar.map(Math.abs));
            xStar.forEach((v, j) => expect(Math.abs(sol.x[j]! - v) / xNorm).toBeLessThan(1e-3));
          } else if (sol.status === 'optimal_inaccurate') inaccurate++;
          else unconverged++;
          expect(sol.stats.check.primal).toBe(sol.stats.primalResidual);
        },
      ),
      { seed: 14_005, numRuns: 150 },
    );
    // The property must exercise both converged and unconverged runs.
    expect(optimal).toBeGreaterThan(5);
    expect(unconverged).toBeGreaterThan(5);
    expect(optimal + inaccurate + unconverged).toBe(150);
  });

  it('infeasible planted QPs (a contradictory pair of rows): never optimal or optimal_inaccurate, at any limit', () => {
    let certified = 0;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 30 }), fc.constantFrom(1, 1e4), fc.constantFrom(5, 50, 100_000), fc.boolean(), (seed, scale, maxIters, timeLimited) => {
        const q = makeInfeasible(plantedQp(seed, scale).q, seed);
        const sol = solveScs(toCone(q), { maxIters, ...(timeLimited ? { timeLimitSecs: 1e-7 } : {}) });
        expect(['infeasible', 'infeasible_inaccurate', 'max_iters']).toContain(sol.status);
        if (sol.status === 'infeasible') certified++;
      }),
      { seed: 14_006, numRuns: 80 },
    );
    expect(certified).toBeGreaterThan(5);
  });

  it('unbounded planted LPs: never optimal, optimal_inaccurate or infeasible', () => {
    let certified = 0;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 30 }), fc.constantFrom(5, 50, 100_000), fc.boolean(), (seed, maxIters, timeLimited) => {
        const sol = solveScs(toCone(plantedUnboundedLp(seed)), { maxIters, ...(timeLimited ? { timeLimitSecs: 1e-7 } : {}) });
        expect(['unbounded', 'unbounded_inaccurate', 'max_iters']).toContain(sol.status);
        if (sol.status === 'unbounded') certified++;
      }),
      { seed: 14_007, numRuns: 80 },
    );
    expect(certified).toBeGreaterThan(5);
  });

  it('planted nondegenerate programs over every cone: optimal points are the planted one, never a certificate', () => {
    // Unique solutions (knownProgram): SOC, exponential, power and dual power cones, at any iteration limit.
    const families = [
      { dims: { ...NO_CONES, zero: 1, nonneg: 6, soc: [3, 4] }, n: 6 },
      { dims: { ...NO_CONES, zero: 1, exp: 3 }, n: 4 },
      { dims: { ...NO_CONES, nonneg: 2, power: [0.3, -0.6] }, n: 3 },
    ];
    let optimal = 0;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e6 }), fc.nat(families.length - 1), fc.constantFrom(10, 100, 100_000), (seed, f, maxIters) => {
        const { dims, n } = families[f]!;
        const kp = knownProgram(dims, n, seed);
        const sol = solveScs(kp.program, { maxIters });
        expect(['optimal', 'optimal_inaccurate', 'max_iters']).toContain(sol.status);
        if (sol.status === 'optimal') {
          optimal++;
          const xNorm = Math.max(1, ...Array.from(kp.x, Math.abs));
          kp.x.forEach((v, j) => expect(Math.abs(sol.x[j]! - v) / xNorm).toBeLessThan(1e-4));
        }
      }),
      { seed: 14_008, numRuns: 45 },
    );
    expect(optimal).toBeGreaterThan(5);
  });

  it('a time limit never yields an unchecked optimal_inaccurate', () => {
    // min x0 + x1 s.t. x >= 1: SCS stops at iteration 0 far from x = (1, 1).
    const p: ConeProgram = { A: cscFromDense(2, 2, [-1, 0, 0, -1]), b: Float64Array.from([-1, -1]), c: Float64Array.from([1, 1]), cones: { ...NO_CONES, nonneg: 2 } };
    const sol = solveScs(p, { timeLimitSecs: 1e-9 });
    expect(sol.status).toBe('max_iters');
    expect(sol.message).toMatch(/time limit/);
    expect(sol.stats.check.primal).toBeGreaterThan(1e-5);
  });
});

describe('certificates and huge bounds are scale-invariant', () => {
  const lp1 = (A: number[], b: number[], c: number[]): ConeProgram => ({
    A: cscFromDense(b.length, c.length, A),
    b: Float64Array.from(b),
    c: Float64Array.from(c),
    cones: { ...NO_CONES, nonneg: b.length },
  });

  it('minimize x s.t. x >= 1e10 is optimal at x = 1e10 (not infeasible)', () => {
    const sol = solveScs(lp1([-1], [-1e10], [1]));
    expect(sol.status).toBe('optimal');
    expect(Math.abs(sol.x[0]! - 1e10) / 1e10).toBeLessThan(1e-8);
    expect(sol.y[0]).toBeCloseTo(1, 6);
  });

  it('x0 = 1e10 beside x1 <= 1 (SCS alone reports a false INFEASIBLE): optimal at (1e10, 1) after column scaling', () => {
    const p: ConeProgram = { A: cscFromDense(2, 2, [1, 0, 0, 1]), b: Float64Array.from([1e10, 1]), c: Float64Array.from([0, -1]), cones: { ...NO_CONES, zero: 1, nonneg: 1 } };
    const sol = solveScs(p);
    expect(sol.status).toBe('optimal');
    expect(Math.abs(sol.x[0]! - 1e10) / 1e10).toBeLessThan(1e-8);
    expect(sol.x[1]).toBeCloseTo(1, 7);
    expect(sol.stats.attempts).toBeGreaterThan(1);
  });

  it('v <= 1e30 as "no bound": min gives v = -1, max gives v = 1e30, both optimal', () => {
    // rows: -v <= 1 (v >= -1), v <= 1e30
    const A = [-1, 0, 0, -1, 1, 0, 0, 1];
    const b = [1, 1, 1e30, 1e30];
    const min = solveScs(lp1(A, b, [1, 1]));
    expect(min.status).toBe('optimal');
    expect(min.x[0]).toBeCloseTo(-1, 7);
    expect(min.y[2]).toBe(0);
    expect(min.stats.droppedRows).toBe(2);
    const max = solveScs(lp1(A, b, [-1, -1]));
    expect(max.status).toBe('optimal');
    expect(Math.abs(max.x[1]! - 1e30) / 1e30).toBeLessThan(1e-6);
  });

  it('truly infeasible and unbounded problems stay so at any data scale', () => {
    for (const s of [1e-6, 1, 1e10]) {
      // x >= 2s and x <= s: infeasible.
      expect(solveScs(lp1([-1, 1], [-2 * s, s], [1])).status).toBe('infeasible');
      // min -s x s.t. x >= s: unbounded.
      expect(solveScs(lp1([-1], [-s], [-s])).status).toBe('unbounded');
      // min 1e8 x s.t. 1 <= x <= 2 (the QP-route example) is optimal at x = 1.
      const sol = solveScs(lp1([-1, 1], [-1, 2], [1e8 * s]));
      expect(sol.status).toBe('optimal');
      expect(sol.x[0]).toBeCloseTo(1, 6);
    }
  });

  it('the certificate measures: Farkas exactness, and a huge bound is not a certificate', () => {
    // x >= 1e10 (row -x <= -1e10): y = 1 has b'y < 0 but A'y = -1, measure 1.
    expect(verifyInfeasibility(lp1([-1], [-1e10], [1]), Float64Array.of(1))).toBeCloseTo(1, 12);
    // x >= 1, x <= 0: y = (1, 1) is an exact Farkas certificate.
    expect(verifyInfeasibility(lp1([-1, 1], [-1, 0], [1]), Float64Array.of(1, 1))).toBe(0);
    // Invariance: scaling b by 1e12 leaves the measure of the same y unchanged.
    const yNear = Float64Array.of(1, 1 + 1e-9);
    const m1 = verifyInfeasibility(lp1([-1, 1], [-1, 0], [1]), yNear);
    const m2 = verifyInfeasibility(lp1([-1, 1], [-1e12, 0], [1]), yNear);
    expect(m2 / m1).toBeCloseTo(1, 3);
    // min -x s.t. x <= 1e30: d = 1 is not a recession direction (Ad = 1 not in -K).
    expect(verifyUnboundedness(lp1([1], [1e30], [-1]), Float64Array.of(1))).toBeGreaterThan(0.5);
    expect(verifyUnboundedness(lp1([-1], [0], [-1]), Float64Array.of(1))).toBe(0);
  });
});
