import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NO_CONES, type ConeDims } from '../../../solvers/cone_program.js';
import {
  coneProjection,
  coneProjectionDerivative,
  inExpCone,
  inPowerCone,
  projectExpCone,
  projectPowerCone,
} from '../../../solvers/cones/index.js';
import { ShapeError, ValueError } from '../../../solvers/errors.js';
import { SeededRandom } from '../cone_derivative/random_programs.js';

/** One cone of each kind, with a dual power cone, in SCS order. */
const DIMS: ConeDims = { ...NO_CONES, zero: 2, nonneg: 3, soc: [4, 1, 3], exp: 2, power: [0.3, -0.6] };
const M = 2 + 3 + 8 + 6 + 6;

/** Each single-cone family, to test in isolation. */
const FAMILIES: [string, ConeDims, number][] = [
  ['zero', { ...NO_CONES, zero: 3 }, 3],
  ['nonneg', { ...NO_CONES, nonneg: 4 }, 4],
  ['soc', { ...NO_CONES, soc: [5] }, 5],
  ['exp', { ...NO_CONES, exp: 1 }, 3],
  ['power', { ...NO_CONES, power: [0.35] }, 3],
  ['dual power', { ...NO_CONES, power: [-0.7] }, 3],
];

const neg = (v: Float64Array) => v.map((a) => -a);
const dot = (a: Float64Array, b: Float64Array) => a.reduce((s, ai, i) => s + ai * b[i]!, 0);
const maxAbs = (a: ArrayLike<number>) => Array.from(a).reduce((s, v) => Math.max(s, Math.abs(v)), 0);

/** A random point at a random scale: interior, polar and boundary-adjacent cases all occur. */
function randomPoint(rng: SeededRandom, m: number): Float64Array {
  return rng.normals(m, Math.exp(1.5 * rng.normal()));
}

/**
 * A point p + q with p on the boundary of K and q in the polar cone, normal to
 * it (so Pi(p + q) = p): obtained from Moreau on a random point, then scaled
 * apart. Its projection lies on the boundary, where the derivative is least trivial.
 */
function boundaryAdjacentPoint(dims: ConeDims, rng: SeededRandom, m: number): Float64Array {
  const v = rng.normals(m);
  const p = coneProjection(dims, v);
  const q = v.map((vi, i) => vi - p[i]!);
  const a = 0.2 + rng.uniform();
  const b = 0.2 + rng.uniform();
  return p.map((pi, i) => a * pi + b * q[i]!);
}

/**
 * A direction interior to K and to K* for every block of `dims` (zero rows
 * excepted): ones for R+, (1, 0, ..) for SOC, (-1, 1, 1) for exp and exp*,
 * (1, 1, 0) for K_a and K_a*.
 */
function interiorDirection(dims: ConeDims, m: number): Float64Array {
  const e = new Float64Array(m);
  let o = dims.zero;
  for (let i = 0; i < dims.nonneg; i++) e[o++] = 1;
  for (const q of dims.soc) {
    e[o] = 1;
    o += q;
  }
  for (let k = 0; k < dims.exp; k++, o += 3) e.set([-1, 1, 1], o);
  for (let k = 0; k < dims.power.length; k++, o += 3) e.set([1, 1, 0], o);
  return e;
}

/** A point in the interior of the polar of the set projected on (K, or K* with `dual`). */
function polarPoint(dims: ConeDims, rng: SeededRandom, m: number, dual: boolean): Float64Array {
  const inDual = coneProjection(dims, rng.normals(m), { dual: !dual });
  const e = interiorDirection(dims, m);
  const c = 0.1 + rng.uniform();
  return inDual.map((x, i) => -(x + c * e[i]!));
}

function fdError(dims: ConeDims, v: Float64Array, dual: boolean, rng: SeededRandom): number {
  const d = rng.normals(v.length);
  const jac = coneProjectionDerivative(dims, v, { dual });
  const jd = jac.apply(d);
  const h = 1e-6 * Math.max(1, maxAbs(v));
  const plus = coneProjection(dims, v.map((x, i) => x + h * d[i]!), { dual });
  const minus = coneProjection(dims, v.map((x, i) => x - h * d[i]!), { dual });
  const fd = plus.map((x, i) => (x - minus[i]!) / (2 * h));
  return maxAbs(fd.map((x, i) => x - jd[i]!)) / Math.max(1, maxAbs(fd));
}

describe('cone projections', () => {
  it.each(FAMILIES)('%s: Moreau decomposition v = Pi_K(v) - Pi_K*(-v), orthogonal, idempotent', (_name, dims, m) => {
    const rng = new SeededRandom(11);
    for (let t = 0; t < 300; t++) {
      const v = randomPoint(rng, m);
      const p = coneProjection(dims, v);
      const q = coneProjection(dims, neg(v), { dual: true });
      const scale = Math.max(1, maxAbs(v));
      expect(maxAbs(v.map((vi, i) => vi - p[i]! + q[i]!)) / scale).toBeLessThan(1e-12);
      expect(Math.abs(dot(p, q)) / (scale * scale)).toBeLessThan(1e-12);
      // Idempotence to working precision (a boundary point may fail the exact
      // membership test by one rounding and be projected again).
      const pp = coneProjection(dims, p);
      expect(maxAbs(pp.map((x, i) => x - p[i]!)) / scale).toBeLessThan(1e-10);
      const qq = coneProjection(dims, q, { dual: true });
      expect(maxAbs(qq.map((x, i) => x - q[i]!)) / scale).toBeLessThan(1e-10);
    }
  });

  it.each(FAMILIES)('%s: derivative matches central differences at random, boundary-adjacent and polar points', (_name, dims, m) => {
    const rng = new SeededRandom(12);
    let worst = 0;
    for (let t = 0; t < 200; t++) {
      for (const dual of [false, true]) {
        worst = Math.max(worst, fdError(dims, randomPoint(rng, m), dual, rng));
        worst = Math.max(worst, fdError(dims, boundaryAdjacentPoint(dims, rng, m), dual, rng));
        // polar point: -(point of K*) projects to 0 on K.
        worst = Math.max(worst, fdError(dims, polarPoint(dims, rng, m, dual), dual, rng));
      }
    }
    expect(worst).toBeLessThan(1e-6);
  });

  it('product cone: blocks are independent and the Jacobian is symmetric (property test)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -50, max: 50, noNaN: true }), { minLength: M, maxLength: M }),
        fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: M, maxLength: M }),
        fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: M, maxLength: M }),
        fc.boolean(),
        (vArr, aArr, bArr, dual) => {
          const v = Float64Array.from(vArr);
          const a = Float64Array.from(aArr);
          const b = Float64Array.from(bArr);
          const jac = coneProjectionDerivative(DIMS, v, { dual });
          // <a, J b> = <J' a, b> and J = J'
          const lhs = dot(a, jac.apply(b));
          expect(Math.abs(lhs - dot(jac.applyTranspose(a), b))).toBeLessThan(1e-9 * (1 + Math.abs(lhs)));
          expect(Math.abs(lhs - dot(jac.apply(a), b))).toBeLessThan(1e-7 * (1 + maxAbs(a) * maxAbs(b) * M));
          // Pi is a contraction: |Pi(v)| <= |v|, and Moreau holds blockwise.
          const p = coneProjection(DIMS, v, { dual });
          const q = coneProjection(DIMS, neg(v), { dual: !dual });
          const scale = Math.max(1, maxAbs(v));
          expect(maxAbs(v.map((vi, i) => vi - p[i]! + q[i]!)) / scale).toBeLessThan(1e-10);
          expect(Math.abs(dot(p, q)) / (scale * scale)).toBeLessThan(1e-10);
        },
      ),
      { numRuns: 300, seed: 5 },
    );
  });

  it('zero cone projects to 0 and its dual (free) is the identity', () => {
    const dims = { ...NO_CONES, zero: 2 };
    const v = Float64Array.from([3, -4]);
    expect(Array.from(coneProjection(dims, v))).toEqual([0, 0]);
    expect(Array.from(coneProjection(dims, v, { dual: true }))).toEqual([3, -4]);
    expect(Array.from(coneProjectionDerivative(dims, v, { dual: true }).apply(Float64Array.from([1, 2])))).toEqual([1, 2]);
  });

  it('second-order cone: closed-form values', () => {
    const dims = { ...NO_CONES, soc: [3] };
    // (t, x) = (0, 3, 4): |x| = 5 -> (5/2)(1, 3/5, 4/5)
    const p = coneProjection(dims, Float64Array.from([0, 3, 4]));
    expect(p[0]).toBeCloseTo(2.5, 14);
    expect(p[1]).toBeCloseTo(1.5, 14);
    expect(p[2]).toBeCloseTo(2, 14);
    expect(Array.from(coneProjection(dims, Float64Array.from([-6, 3, 4])))).toEqual([0, 0, 0]);
  });

  it('exponential cone: results lie in the cone and known points', () => {
    const rng = new SeededRandom(13);
    for (let t = 0; t < 2000; t++) {
      const v = rng.normals(3, Math.exp(2 * rng.normal()));
      const { p } = projectExpCone(v[0]!, v[1]!, v[2]!);
      const s = 1e-9 * Math.max(1, maxAbs(v));
      // Shift along the interior direction (-1, 1, 1) by a hair to absorb rounding.
      expect(inExpCone(p[0] - s, p[1] + s, p[2] + s)).toBe(true);
    }
    // On the boundary y e^(x/y) = z: projection is the point itself.
    const onBoundary = projectExpCone(1, 1, Math.E);
    expect(onBoundary.p[2]).toBeCloseTo(Math.E, 14);
    // x <= 0, y <= 0 region: (x, 0, max(z, 0)).
    expect(projectExpCone(-2, -1, 3).p).toEqual([-2, 0, 3]);
  });

  it('power cone: results lie in the cone, for extreme parameters too', () => {
    const rng = new SeededRandom(14);
    for (const a of [0.01, 0.25, 0.5, 0.9, 0.99]) {
      for (let t = 0; t < 500; t++) {
        const v = rng.normals(3, Math.exp(2 * rng.normal()));
        const { p } = projectPowerCone(v[0]!, v[1]!, v[2]!, a);
        const s = 1e-9 * Math.max(1, maxAbs(v));
        expect(inPowerCone(p[0] + s, p[1] + s, p[2] === 0 ? 0 : p[2] - Math.sign(p[2]) * s, a)).toBe(true);
        // Moreau with the dual cone K_a* via the closed-form polar test
        const q = [v[0]! - p[0], v[1]! - p[1], v[2]! - p[2]];
        expect(Math.abs(q[0]! * p[0] + q[1]! * p[1] + q[2]! * p[2]) / Math.max(1, maxAbs(v)) ** 2).toBeLessThan(1e-10);
      }
    }
  });

  it('rejects wrong lengths, NaN and bad cone parameters with typed errors', () => {
    expect(() => coneProjection(DIMS, new Float64Array(M - 1))).toThrow(ShapeError);
    const bad = new Float64Array(M);
    bad[4] = NaN;
    expect(() => coneProjectionDerivative(DIMS, bad)).toThrow(ValueError);
    expect(() => coneProjection({ ...NO_CONES, power: [1.5] }, new Float64Array(3))).toThrow(ValueError);
    expect(() => coneProjectionDerivative(DIMS, new Float64Array(M)).apply(new Float64Array(3))).toThrow(ShapeError);
  });
});
