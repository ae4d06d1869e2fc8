import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../src/backend.js';
import { ShapeError, ValueError } from '../../../../solvers/errors.js';
import { monDeq } from '../../../../src/mondeq/index.js';
import {
  certifyIntervalEquilibrium,
  ibpMonDeq,
  ibpMonDeqBounds,
  ibpMonotoneW,
  ibpMonotoneW64,
  absSymmetricTopEigenvalueBound64,
  type IbpMonDeqWeights,
} from '../../../../src/mondeq/ibp/index.js';
import { normals, rng } from '../../deq/contractive_cell.js';
import { bruteForceEquilibrium, cholesky, intervalMatrix64, referenceW, symmetricEigenvalues } from './brute_force.js';

beforeAll(async () => {
  await selectBackend();
});

function randomWeights(inputDim: number, units: number, scale: number, seed: number): IbpMonDeqWeights {
  const rand = rng(seed);
  return {
    U: tf.tensor2d(normals(inputDim * units, rand), [inputDim, units]),
    b: tf.tensor1d(normals(units, rand)),
    M: tf.tensor2d(normals(units * units, rand).map((v) => v * scale), [units, units]),
  };
}

const f64 = (t: tf.Tensor): Float64Array => Float64Array.from(t.dataSync());

/** s = x U + b in float64 for one input row x. */
function injection(x: ArrayLike<number>, U: Float64Array, b: Float64Array, inputDim: number, units: number): Float64Array {
  const s = Float64Array.from(b);
  for (let j = 0; j < units; j++) for (let i = 0; i < inputDim; i++) s[j]! += x[i]! * U[i * units + j]!;
  return s;
}

describe('IBP-MonDEQ parametrization', () => {
  it('keeps sym(|W|) <= (1 - m) I and sym(W) <= (1 - m) I for arbitrary M (Jacobi eigenvalues)', () => {
    for (const [scale, seed, m] of [[1e-3, 1, 0.5], [1, 2, 0.1], [50, 3, 0.9], [1e4, 4, 0.3]] as const) {
      const n = 7;
      const M = f64(tf.tidy(() => tf.tensor2d(normals(n * n, rng(seed)).map((v) => v * scale), [n, n])));
      const W = ibpMonotoneW64(M, n, m);
      const Wtf = f64(tf.tidy(() => ibpMonotoneW(tf.tensor2d(Float32Array.from(M), [n, n]), m)));
      const Wref = referenceW(M, n, m);
      for (let i = 0; i < n * n; i++) {
        expect(Math.abs(W[i]! - Wref[i]!)).toBeLessThan(1e-12);
        expect(Math.abs(Wtf[i]! - Wref[i]!)).toBeLessThan(1e-5);
      }
      const symAbs = new Float64Array(n * n);
      const sym = new Float64Array(n * n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
        symAbs[i * n + j] = (Math.abs(W[i * n + j]!) + Math.abs(W[j * n + i]!)) / 2;
        sym[i * n + j] = (W[i * n + j]! + W[j * n + i]!) / 2;
      }
      const topAbs = Math.max(...symAbs.length ? symmetricEigenvalues(symAbs, n) : []);
      const top = Math.max(...symmetricEigenvalues(sym, n));
      expect(topAbs).toBeLessThanOrEqual(1 - m + 1e-12);
      expect(top).toBeLessThanOrEqual(1 - m + 1e-12);
      // The Collatz-Wielandt bound used by certification is a true upper bound, and tight.
      const bound = absSymmetricTopEigenvalueBound64(W, n);
      expect(bound).toBeGreaterThanOrEqual(topAbs - 1e-12);
      expect(bound).toBeLessThan(topAbs + 1e-3);
    }
  });
});

describe('ibpMonDeqBounds', () => {
  const inputDim = 3;
  const units = 5;
  const m = 0.3;

  it('contains the true equilibrium at every box corner and at random points of the box (brute-force equilibria)', () => {
    for (const seed of [11, 12, 13]) {
      const w = randomWeights(inputDim, units, 2, seed);
      const rand = rng(seed + 100);
      const centre = normals(2 * inputDim, rand);
      const eps = 0.4;
      const x = tf.tensor2d(centre, [2, inputDim]);
      const r = ibpMonDeqBounds(tf.sub(x, eps) as tf.Tensor2D, tf.add(x, eps) as tf.Tensor2D, w, m, { forward: { maxIters: 2000, relTol: 1e-6, absTol: 1e-6 } });
      expect(r.stats.converged).toBe(true);
      const zLo = f64(r.zLo);
      const zHi = f64(r.zHi);
      const cert = certifyIntervalEquilibrium(w.M.dataSync(), units, m, r.sLo.dataSync(), r.sHi.dataSync(), zLo, zHi, 2);
      const W = ibpMonotoneW64(w.M.dataSync(), units, m);
      const U = f64(w.U);
      const b = f64(w.b);
      let widthSum = 0;
      for (let row = 0; row < 2; row++) {
        const points: number[][] = [];
        for (let corner = 0; corner < 1 << inputDim; corner++) {
          points.push(Array.from({ length: inputDim }, (_, i) => centre[row * inputDim + i]! + (corner & (1 << i) ? eps : -eps)));
        }
        for (let k = 0; k < 200; k++) points.push(Array.from({ length: inputDim }, (_, i) => centre[row * inputDim + i]! + eps * (2 * rand() - 1)));
        for (const p of points) {
          const z = bruteForceEquilibrium(W, injection(p, U, b, inputDim, units), units);
          for (let i = 0; i < units; i++) {
            const o = row * units + i;
            expect(z[i]!).toBeGreaterThanOrEqual(zLo[o]! - 1e-4);
            expect(z[i]!).toBeLessThanOrEqual(zHi[o]! + 1e-4);
            // The widened certificate holds exactly (no tolerance).
            expect(z[i]!).toBeGreaterThanOrEqual(cert.zLo[o]!);
            expect(z[i]!).toBeLessThanOrEqual(cert.zHi[o]!);
          }
        }
        for (let i = 0; i < units; i++) widthSum += zHi[row * units + i]! - zLo[row * units + i]!;
      }
      // Not vacuous: finite and positive width.
      expect(widthSum).toBeGreaterThan(0);
      expect(Number.isFinite(widthSum)).toBe(true);
      tf.dispose([x, r.zLo, r.zHi, r.sLo, r.sHi, ...Object.values(w)]);
    }
  });

  it('equals the brute-force solution of the interval system, and converges for arbitrary (large-norm) weights with both splittings', () => {
    const batch = 3;
    for (const splitting of ['peaceman_rachford', 'forward_backward'] as const) {
      for (const [scale, seed] of [[1e-2, 21], [1, 22], [100, 23], [1e4, 24]] as const) {
        const w = randomWeights(inputDim, units, scale, seed);
        const x = tf.tensor2d(normals(batch * inputDim, rng(seed)), [batch, inputDim]);
        const lo = tf.sub(x, 0.5) as tf.Tensor2D;
        const hi = tf.add(x, 0.5) as tf.Tensor2D;
        const r = ibpMonDeqBounds(lo, hi, w, m, { splitting, forward: { maxIters: 5000, relTol: 1e-6, absTol: 1e-6 } });
        expect(r.stats.converged).toBe(true);
        const W = ibpMonotoneW64(w.M.dataSync(), units, m);
        const WI = intervalMatrix64(W, units);
        const sLo = f64(r.sLo);
        const sHi = f64(r.sHi);
        const zLo = f64(r.zLo);
        const zHi = f64(r.zHi);
        for (let row = 0; row < batch; row++) {
          const sI = new Float64Array(2 * units);
          for (let i = 0; i < units; i++) {
            sI[i] = sLo[row * units + i]!;
            sI[units + i] = sHi[row * units + i]!;
          }
          const v = bruteForceEquilibrium(WI, sI, 2 * units);
          const scaleV = Math.max(1, ...Array.from(v, Math.abs));
          for (let i = 0; i < units; i++) {
            expect(Math.abs(zLo[row * units + i]! - v[i]!) / scaleV).toBeLessThan(1e-3);
            expect(Math.abs(zHi[row * units + i]! - v[units + i]!) / scaleV).toBeLessThan(1e-3);
          }
          // Residual of the interval equation itself, in float64.
          let worst = 0;
          for (let i = 0; i < 2 * units; i++) {
            let pre = sI[i]!;
            for (let j = 0; j < 2 * units; j++) pre += WI[i * 2 * units + j]! * (j < units ? zLo[row * units + j]! : zHi[row * units + j - units]!);
            const vi = i < units ? zLo[row * units + i]! : zHi[row * units + i - units]!;
            worst = Math.max(worst, Math.abs(vi - Math.max(pre, 0)));
          }
          expect(worst / scaleV).toBeLessThan(1e-3);
        }
        tf.dispose([x, lo, hi, r.zLo, r.zHi, r.sLo, r.sHi, ...Object.values(w)]);
      }
    }
  });

  it('collapses at epsilon = 0 to the point equilibrium of the existing monDEQ solver', () => {
    const n = 6;
    const w = randomWeights(4, n, 3, 31);
    const x = tf.tensor2d(normals(5 * 4, rng(32)), [5, 4]);
    const tight = { forward: { maxIters: 3000, relTol: 1e-6, absTol: 1e-6 } };
    const r = ibpMonDeqBounds(x, x, w, m, tight);
    const point = ibpMonDeq(x, w, m, tight);
    // The same W written in the monDEQ form (1 - m') I - A'A + B - B' with m' = m / 2:
    // B = (W - W') / 4 and A = L' with L L' = (1 - m') I - sym(W) (positive definite as sym(W) <= (1 - m) I).
    const W = ibpMonotoneW64(w.M.dataSync(), n, m);
    const mPrime = m / 2;
    const P = new Float64Array(n * n);
    const B = new Float32Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      P[i * n + j] = (i === j ? 1 - mPrime : 0) - (W[i * n + j]! + W[j * n + i]!) / 2;
      B[i * n + j] = (W[i * n + j]! - W[j * n + i]!) / 4;
    }
    const L = cholesky(P, n);
    const A = new Float32Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) A[i * n + j] = L[j * n + i]!;
    const reference = monDeq(x, { U: w.U, b: w.b, A: tf.tensor2d(A, [n, n]), B: tf.tensor2d(B, [n, n]) }, mPrime, tight);
    const ref = reference.z.dataSync();
    const lo = r.zLo.dataSync();
    const hi = r.zHi.dataSync();
    const pz = point.z.dataSync();
    for (let i = 0; i < ref.length; i++) {
      expect(Math.abs(lo[i]! - ref[i]!)).toBeLessThan(2e-4 * (1 + Math.abs(ref[i]!)));
      expect(Math.abs(hi[i]! - ref[i]!)).toBeLessThan(2e-4 * (1 + Math.abs(ref[i]!)));
      expect(Math.abs(pz[i]! - ref[i]!)).toBeLessThan(2e-4 * (1 + Math.abs(ref[i]!)));
    }
    tf.dispose([x, r.zLo, r.zHi, r.sLo, r.sHi, point.z, reference.z, ...Object.values(w)]);
  });

  it('widens an unconverged iterate into bounds that still contain the exact interval equilibrium', () => {
    const w = randomWeights(inputDim, units, 5, 41);
    const x = tf.tensor2d(normals(2 * inputDim, rng(42)), [2, inputDim]);
    const lo = tf.sub(x, 0.3) as tf.Tensor2D;
    const hi = tf.add(x, 0.3) as tf.Tensor2D;
    const r = ibpMonDeqBounds(lo, hi, w, m, { forward: { maxIters: 3 } });
    expect(r.stats.converged).toBe(false);
    expect(r.stats.status).toBe('max_iters');
    const cert = certifyIntervalEquilibrium(w.M.dataSync(), units, m, r.sLo.dataSync(), r.sHi.dataSync(), r.zLo.dataSync(), r.zHi.dataSync(), 2);
    const WI = intervalMatrix64(ibpMonotoneW64(w.M.dataSync(), units, m), units);
    const sLo = r.sLo.dataSync();
    const sHi = r.sHi.dataSync();
    for (let row = 0; row < 2; row++) {
      const sI = new Float64Array(2 * units);
      for (let i = 0; i < units; i++) {
        sI[i] = sLo[row * units + i]!;
        sI[units + i] = sHi[row * units + i]!;
      }
      const v = bruteForceEquilibrium(WI, sI, 2 * units);
      expect(cert.residual[row]!).toBeGreaterThan(0);
      for (let i = 0; i < units; i++) {
        expect(v[i]!).toBeGreaterThanOrEqual(cert.zLo[row * units + i]!);
        expect(v[units + i]!).toBeLessThanOrEqual(cert.zHi[row * units + i]!);
      }
    }
    tf.dispose([x, lo, hi, r.zLo, r.zHi, r.sLo, r.sHi, ...Object.values(w)]);
  });

  it('does not leak tensors when called outside tf.tidy without gradients (both splittings)', () => {
    const w = randomWeights(inputDim, units, 1, 61);
    const x = tf.tensor2d(normals(4 * inputDim, rng(62)), [4, inputDim]);
    for (const splitting of ['peaceman_rachford', 'forward_backward'] as const) {
      const run = (): void => {
        const r = ibpMonDeqBounds(x, x, w, m, { splitting });
        const p = ibpMonDeq(x, w, m, { splitting });
        tf.dispose([r.zLo, r.zHi, r.sLo, r.sHi, p.z]);
      };
      run();
      const before = tf.memory().numTensors;
      for (let i = 0; i < 3; i++) run();
      expect(tf.memory().numTensors).toBe(before);
    }
    tf.dispose([x, ...Object.values(w)]);
  });

  it('throws typed errors naming the culprit on bad input', () => {
    const w = randomWeights(inputDim, units, 1, 51);
    const x = tf.tensor2d(normals(2 * inputDim, rng(52)), [2, inputDim]);
    const lower = tf.sub(x, 0.1) as tf.Tensor2D;
    expect(() => ibpMonDeqBounds(x, lower, w, m)).toThrow(ValueError);
    expect(() => ibpMonDeqBounds(x, lower, w, m)).toThrow(/xLo > xHi/);
    expect(() => ibpMonDeqBounds(lower, x, w, 1)).toThrow(ValueError);
    expect(() => ibpMonDeqBounds(lower, x, w, 0)).toThrow(/monotonicity/);
    expect(() => ibpMonDeqBounds(lower, x, w, m, { splitting: 'douglas' as never })).toThrow(ValueError);
    expect(() => ibpMonDeqBounds(lower, x, w, m, { maxIter: 3 } as never)).toThrow(/unknown monDEQ option key 'maxIter'/);
    const wide = tf.zeros([2, inputDim + 1]) as tf.Tensor2D;
    expect(() => ibpMonDeqBounds(wide, wide, w, m)).toThrow(ShapeError);
    expect(() => ibpMonDeq(x, { ...w, M: tf.zeros([units, units + 1]) as tf.Tensor2D }, m)).toThrow(ShapeError);
    const nan = tf.tensor2d([[NaN, 0, 0]]);
    expect(() => ibpMonDeq(nan, w, m)).toThrow(ValueError);
    expect(() => certifyIntervalEquilibrium([1, 2], units, m, [], [], [], [], 1)).toThrow(ShapeError);
    tf.dispose([x, lower, wide, nan, ...Object.values(w)]);
  });
});
