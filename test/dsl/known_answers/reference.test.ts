/**
 * Sanity tests of the reference algorithms themselves (no DSL, no solver):
 * each is checked against its defining property, so the known answers used by
 * the DSL suite are trustworthy.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  choleskySolve,
  constrainedLeastSquares,
  dot,
  entropy,
  incircle,
  leastSquares,
  logSumExp,
  matMul,
  matVec,
  norm1,
  norm2,
  projectL1Ball,
  projectSimplex,
  softmax,
  solveLinearSystem,
  sub,
  sumLargest,
  sumOf,
  transpose,
  waterFilling,
} from './reference.js';
import { seededRandom } from './seeded_random.js';

const entry = fc.double({ min: -5, max: 5, noNaN: true });
const vector = (min: number, max: number) => fc.array(entry, { minLength: min, maxLength: max });

describe('reference algorithms', () => {
  it('seeded generator is reproducible and roughly standard normal', () => {
    const a = seededRandom(7).normalVector(4000);
    expect(seededRandom(7).normalVector(4000)).toEqual(a);
    expect(seededRandom(8).normalVector(5)).not.toEqual(a.slice(0, 5));
    const mean = sumOf(a) / a.length;
    const variance = sumOf(a.map((v) => (v - mean) ** 2)) / a.length;
    expect(Math.abs(mean)).toBeLessThan(0.06);
    expect(Math.abs(variance - 1)).toBeLessThan(0.08);
  });

  it('Gaussian elimination and Cholesky solve random well-conditioned systems', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 0, max: 2 ** 31 - 1 }), (n, seed) => {
        const rng = seededRandom(seed);
        const m = rng.normalMatrix(n, n);
        const spd = matMul(transpose(m), m).map((row, i) => row.map((v, j) => v + (i === j ? 1 : 0)));
        const b = rng.normalVector(n);
        const x1 = solveLinearSystem(spd, b);
        const x2 = choleskySolve(spd, b);
        for (const x of [x1, x2]) expect(norm2(sub(matVec(spd, x), b))).toBeLessThan(1e-9 * (1 + norm2(b)));
      }),
    );
  });

  it('least squares residual is orthogonal to the columns; KKT solution is feasible and stationary', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), (seed) => {
        const rng = seededRandom(seed);
        const a = rng.normalMatrix(9, 4);
        const b = rng.normalVector(9);
        const x = leastSquares(a, b);
        const grad = matVec(transpose(a), sub(matVec(a, x), b));
        expect(norm2(grad)).toBeLessThan(1e-9);
        const c = rng.normalMatrix(2, 4);
        const d = rng.normalVector(2);
        const { x: xc, nu } = constrainedLeastSquares(a, b, c, d);
        expect(norm2(sub(matVec(c, xc), d))).toBeLessThan(1e-9);
        const stationarity = matVec(transpose(a), sub(matVec(a, xc), b)).map((v, i) => 2 * v + dot(transpose(c)[i]!, nu));
        expect(norm2(stationarity)).toBeLessThan(1e-8);
      }),
    );
  });

  it('simplex projection lands in the simplex and satisfies the variational inequality', () => {
    fc.assert(
      fc.property(vector(1, 12), fc.double({ min: 0.1, max: 3, noNaN: true }), fc.integer({ min: 0, max: 1000 }), (y, r, seed) => {
        const p = projectSimplex(y, r);
        expect(Math.min(...p)).toBeGreaterThanOrEqual(0);
        expect(Math.abs(sumOf(p) - r)).toBeLessThan(1e-9 * (1 + norm1(y)));
        // (y - p)'(z - p) <= 0 for every z in the simplex; vertices suffice.
        const rng = seededRandom(seed);
        for (let trial = 0; trial < 4; trial++) {
          const w = rng.uniformVector(y.length, 0, 1);
          const z = w.map((v) => (r * v) / sumOf(w));
          expect(dot(sub(y, p), sub(z, p))).toBeLessThan(1e-9);
        }
      }),
    );
  });

  it('l1-ball projection is in the ball and satisfies the variational inequality at the vertices', () => {
    fc.assert(
      fc.property(vector(1, 10), fc.double({ min: 0.1, max: 3, noNaN: true }), (y, r) => {
        const p = projectL1Ball(y, r);
        expect(norm1(p)).toBeLessThanOrEqual(r + 1e-9 * (1 + norm1(y)));
        for (let i = 0; i < y.length; i++) {
          for (const sign of [-1, 1]) {
            const z = y.map((_, j) => (j === i ? sign * r : 0));
            expect(dot(sub(y, p), sub(z, p))).toBeLessThan(1e-9 * (1 + norm1(y)));
          }
        }
      }),
    );
  });

  it('softmax sums to one and logSumExp is the conjugate of negative entropy', () => {
    fc.assert(
      fc.property(vector(1, 10), (x) => {
        const p = softmax(x);
        expect(Math.abs(sumOf(p) - 1)).toBeLessThan(1e-12);
        // lse(x) = max over the simplex of x'p + H(p), attained at softmax(x).
        expect(Math.abs(dot(x, p) + entropy(p) - logSumExp(x))).toBeLessThan(1e-9);
        expect(logSumExp(x)).toBeGreaterThanOrEqual(Math.max(...x));
      }),
    );
  });

  it('sumLargest equals the best k-subset found by enumeration', () => {
    fc.assert(
      fc.property(vector(1, 7), fc.integer({ min: 1, max: 7 }), (x, k0) => {
        const k = Math.min(k0, x.length);
        let best = Number.NEGATIVE_INFINITY;
        for (let mask = 0; mask < 1 << x.length; mask++) {
          let count = 0;
          let s = 0;
          for (let i = 0; i < x.length; i++) if (mask & (1 << i)) (count++, (s += x[i]!));
          if (count === k) best = Math.max(best, s);
        }
        expect(Math.abs(sumLargest(x, k) - best)).toBeLessThan(1e-9);
      }),
    );
  });

  it('water-filling meets the budget with a common level on the active set', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0.05, max: 3, noNaN: true }), { minLength: 1, maxLength: 10 }), fc.double({ min: 0.1, max: 4, noNaN: true }), (alpha, total) => {
        const x = waterFilling(alpha, total);
        expect(Math.abs(sumOf(x) - total)).toBeLessThan(1e-9);
        const levels = x.map((v, i) => v + alpha[i]!);
        const level = Math.max(...levels.filter((_, i) => x[i]! > 0));
        x.forEach((v, i) => {
          expect(v).toBeGreaterThanOrEqual(0);
          // Active entries sit at the level; inactive ones have alpha above it.
          if (v > 0) expect(Math.abs(levels[i]! - level)).toBeLessThan(1e-9);
          else expect(alpha[i]!).toBeGreaterThanOrEqual(level - 1e-9);
        });
      }),
    );
  });

  it('incircle of the 3-4-5 right triangle has radius 1 and center (1, 1)', () => {
    const { center, radius } = incircle([0, 0], [4, 0], [0, 3]);
    expect(radius).toBeCloseTo(1, 12);
    expect(center[0]).toBeCloseTo(1, 12);
    expect(center[1]).toBeCloseTo(1, 12);
  });
});
