/**
 * The ADP policy gradient through the convex layer (float32 tensors, SCS)
 * against central finite differences of the same rollout cost computed in
 * float64 with an independent, exact solution of the policy's ball-QP
 * (adp_reference.ts), for both policy parametrizations.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { init } from '../../../src/index.js';
import { SeededRandom } from '../../../examples/common/random.js';
import { symmetricEigen, symmetricSqrt } from '../../../examples/control/adp_linalg.js';
import { PAPER_SYSTEM, buildPaperPolicy, paperLqrInit, paperReferencePolicy, paperRolloutCost, type PaperPolicyParams } from '../../../examples/control/adp_paper.js';
import { ADP_EXAMPLE_SYSTEM, buildAdpPolicy, lqrValueFactor, randomAdpSystem, rolloutCost, sReferencePolicy, type AdpSystem } from '../../../examples/control/adp_policy.js';
import { referenceRolloutCost, solveBallQp, type ReferencePolicy } from '../../../examples/control/adp_reference.js';
import { matMul, transpose } from '../../../examples/control/lqr.js';

beforeAll(async () => {
  await init();
});

const T = 8;
const BATCH = 3;

/** Central finite differences of f at p, step h per coordinate. */
function centralDifferences(f: (p: Float64Array) => number, p: Float64Array, h: number): Float64Array {
  return Float64Array.from(p, (_, i) => {
    const plus = Float64Array.from(p);
    const minus = Float64Array.from(p);
    plus[i] += h;
    minus[i] -= h;
    return (f(plus) - f(minus)) / (2 * h);
  });
}

/** Fraction of steps at which |u| <= 1 is active along the float64 rollouts (so both branches are exercised). */
function activeFraction(policy: ReferencePolicy, sys: AdpSystem, x0: Float64Array, noise: Float64Array): number {
  let active = 0;
  for (let b = 0; b < BATCH; b++) {
    let x = x0.slice(b * sys.n, (b + 1) * sys.n);
    for (let t = 0; t < T; t++) {
      const u = policy(x);
      if (Math.hypot(...u) > 1 - 1e-9) active++;
      const next = matMul(sys.A, x, sys.n, sys.n, 1);
      const Bu = matMul(sys.B, u, sys.n, sys.m, 1);
      x = Float64Array.from(next, (v, i) => v + Bu[i]! + noise[(t * BATCH + b) * sys.n + i]!);
    }
  }
  return active / (T * BATCH);
}

function expectGradientsClose(layerGrad: ArrayLike<number>, fd: Float64Array, what: string): void {
  const scale = Math.max(...Array.from(fd, Math.abs));
  expect(scale, `${what}: the gradient should not vanish`).toBeGreaterThan(1e-3);
  for (let i = 0; i < fd.length; i++) expect(Math.abs(layerGrad[i]! - fd[i]!), `${what}[${i}]: layer ${layerGrad[i]} vs FD ${fd[i]}`).toBeLessThan(5e-4 * scale + 2e-5);
}

describe('float64 reference of the ADP policy', () => {
  it('solves the ball-constrained QP: KKT conditions hold, inside and on the boundary', () => {
    const rng = new SeededRandom(11);
    let boundary = 0;
    for (let trial = 0; trial < 40; trial++) {
      const m = 3;
      const F = rng.normals(m * m);
      const H = matMul(transpose(F, m, m), F, m, m, m);
      const g = rng.normals(m, trial % 2 === 0 ? 0.3 : 3);
      const { u, lambda } = solveBallQp(H, g, m);
      const r = matMul(H, u, m, m, 1);
      for (let i = 0; i < m; i++) expect(Math.abs(r[i]! + g[i]! + lambda * u[i]!)).toBeLessThan(1e-10 * (1 + Math.hypot(...g)));
      const nu = Math.hypot(...u);
      expect(nu).toBeLessThanOrEqual(1 + 1e-12);
      expect(lambda).toBeGreaterThanOrEqual(0);
      expect(lambda * (1 - nu)).toBeLessThan(1e-10);
      if (lambda > 0) boundary++;
    }
    expect(boundary).toBeGreaterThan(5);
    expect(boundary).toBeLessThan(35);
  });

  it('symmetric square root and eigen-decomposition reproduce the matrix', () => {
    const m = 3;
    const F = new SeededRandom(2).normals(m * m);
    const H = matMul(transpose(F, m, m), F, m, m, m);
    const R = symmetricSqrt(H, m);
    const RR = matMul(R, R, m, m, m);
    for (let i = 0; i < m * m; i++) expect(RR[i]).toBeCloseTo(H[i]!, 12);
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) expect(R[i * m + j]).toBeCloseTo(R[j * m + i]!, 14);
    const { values } = symmetricEigen(H, m);
    expect(values.reduce((a, b) => a + b, 0)).toBeCloseTo(H[0]! + H[4]! + H[8]!, 12);
  });
});

describe('ADP policy gradient vs central finite differences of the float64 cost', () => {
  it('paper instance and parametrization (P^1/2, P21, q)', () => {
    const sys = PAPER_SYSTEM;
    const { n, m } = sys;
    const start = paperLqrInit(sys);
    // Perturb q away from 0 so that its gradient is generic, and start from rest as in the paper.
    const params: PaperPolicyParams = { ...start, q: Float64Array.from([0.05, -0.1, 0.08]) };
    const rng = new SeededRandom(5);
    const x0 = new Float64Array(BATCH * n);
    const noise = rng.normals(T * BATCH * n, 0.5);
    const active = activeFraction(paperReferencePolicy(sys, params), sys, x0, noise);
    expect(active).toBeGreaterThan(0.1);
    expect(active).toBeLessThan(0.9);

    const layer = buildPaperPolicy(sys);
    const before = tf.memory().numTensors;
    const Psqrt = tf.tensor2d(Float32Array.from(params.Psqrt), [m, m]);
    const P21 = tf.tensor2d(Float32Array.from(params.P21), [n, m]);
    const q = tf.tensor1d(Float32Array.from(params.q));
    const x0t = tf.zeros([BATCH, n]) as tf.Tensor2D;
    const noiset = tf.tensor3d(Float32Array.from(noise), [T, BATCH, n]);
    const grads = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
      paperRolloutCost(layer, sys, { Psqrt: a as tf.Tensor2D, P21: b as tf.Tensor2D, q: c as tf.Tensor1D }, x0t, noiset))([Psqrt, P21, q]);
    const layerGrads = grads.map((g) => g.dataSync());
    tf.dispose([...grads, Psqrt, P21, q, x0t, noiset]);
    expect(tf.memory().numTensors).toBe(before);

    const cost = (p: PaperPolicyParams) => referenceRolloutCost(paperReferencePolicy(sys, p), sys.A, sys.B, n, m, x0, noise, BATCH, T);
    const h = 1e-6;
    expectGradientsClose(layerGrads[0]!, centralDifferences((v) => cost({ ...params, Psqrt: v }), params.Psqrt, h), 'dPsqrt');
    expectGradientsClose(layerGrads[1]!, centralDifferences((v) => cost({ ...params, P21: v }), params.P21, h), 'dP21');
    expectGradientsClose(layerGrads[2]!, centralDifferences((v) => cost({ ...params, q: v }), params.q, h), 'dq');
  });

  it('example instance and parametrization (value factor S)', () => {
    const sys = randomAdpSystem(new SeededRandom(0), ADP_EXAMPLE_SYSTEM);
    const { n } = sys;
    const S0 = lqrValueFactor(sys);
    const rng = new SeededRandom(9);
    const x0 = rng.normals(BATCH * n);
    const noise = rng.normals(T * BATCH * n, sys.noise);
    const active = activeFraction(sReferencePolicy(sys, S0), sys, x0, noise);
    expect(active).toBeGreaterThan(0.05);
    expect(active).toBeLessThan(0.95);

    const policy = buildAdpPolicy(sys);
    const S = tf.tensor2d(Float32Array.from(S0), [n, n]);
    const x0t = tf.tensor2d(Float32Array.from(x0), [BATCH, n]);
    const noiset = tf.tensor3d(Float32Array.from(noise), [T, BATCH, n]);
    const [g] = tf.grads((s: tf.Tensor) => rolloutCost(policy, s as tf.Tensor2D, x0t, noiset))([S]);
    const layerGrad = g!.dataSync();
    tf.dispose([g!, S, x0t, noiset]);

    const cost = (s: Float64Array) => referenceRolloutCost(sReferencePolicy(sys, s), sys.A, sys.B, n, sys.m, x0, noise, BATCH, T);
    expectGradientsClose(layerGrad, centralDifferences(cost, S0, 1e-6), 'dS');
  });
});
