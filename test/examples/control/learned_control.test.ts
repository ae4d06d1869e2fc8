import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { init } from '../../../src/index.js';
import { SeededRandom } from '../../../examples/common/random.js';
import { ADP_EXAMPLE_SYSTEM, buildAdpPolicy, lqrValueFactor, randomAdpSystem, rolloutCost, sampleRollouts } from '../../../examples/control/adp_policy.js';
import { expertDemonstrations, imitationLoss, learnerLayer, type LearnedMpcSetup } from '../../../examples/control/learned_mpc_setup.js';
import { choleskyFactorTransposed, identity, lqrGain, matMul, solveDare, transpose } from '../../../examples/control/lqr.js';

beforeAll(async () => {
  await init();
});

describe('LQR helper', () => {
  it('solves the discrete Riccati equation: the residual vanishes and S\'S = P', () => {
    const sys = randomAdpSystem(new SeededRandom(3), ADP_EXAMPLE_SYSTEM);
    const { n, m, A, B } = sys;
    const P = solveDare(A, B, identity(n), identity(m), n, m);
    const K = lqrGain(A, B, identity(m), P, n, m);
    // P = Q + A'P(A - BK)
    const closed = Float64Array.from(A, (v, i) => v - matMul(B, K, n, m, n)[i]!);
    const rhs = matMul(matMul(transpose(A, n, n), P, n, n, n), closed, n, n, n);
    for (let i = 0; i < n * n; i++) expect(rhs[i]! + identity(n)[i]!).toBeCloseTo(P[i]!, 9);
    const S = choleskyFactorTransposed(P, n);
    const StS = matMul(transpose(S, n, n), S, n, n, n);
    for (let i = 0; i < n * n; i++) expect(StS[i]).toBeCloseTo(P[i]!, 10);
  });
});

describe('learned MPC', () => {
  it('recovers the damping and mass of the expert system within 5% from its closed-loop behaviour', () => {
    const setup: LearnedMpcSetup = {
      dt: 0.1,
      bounds: { uMax: 1, stateBounds: [{ index: 2, bound: 1 }, { index: 3, bound: 1 }] },
      horizon: 6,
      stateWeights: [1, 1, 0.1, 0.1],
      inputWeight: 0.1,
    };
    const expert = { damping: 0.5, mass: 2 };
    const data = expertDemonstrations(setup, expert, new SeededRandom(11), 4, 8);
    const layer = learnerLayer(setup);
    expect(layer.route).toBe('qp');
    const logDamping = tf.variable(tf.scalar(Math.log(0.1)));
    const logMass = tf.variable(tf.scalar(0));
    const optimizer = tf.train.adam(0.1);
    const losses: number[] = [];
    for (let it = 0; it < 100; it++) {
      const { value, grads } = tf.variableGrads(() => imitationLoss(layer, setup, logDamping.exp() as tf.Scalar, logMass.exp() as tf.Scalar, data), [logDamping, logMass]);
      losses.push(value.dataSync()[0]!);
      optimizer.applyGradients(grads as tf.NamedTensorMap as Record<string, tf.Variable>);
      tf.dispose([value, grads]);
    }
    const damping = Math.exp(logDamping.dataSync()[0]!);
    const mass = Math.exp(logMass.dataSync()[0]!);
    expect(losses[losses.length - 1]!).toBeLessThan(0.01 * losses[0]!);
    expect(Math.abs(damping - expert.damping) / expert.damping).toBeLessThan(0.05);
    expect(Math.abs(mass - expert.mass) / expert.mass).toBeLessThan(0.05);
    tf.dispose([logDamping, logMass, data.states, data.actions]);
    optimizer.dispose();
  });
});

describe('convex approximate dynamic programming', () => {
  it('one gradient step through the SOCP policy lowers the rollout cost on a fixed-seed batch', () => {
    const sys = randomAdpSystem(new SeededRandom(0), ADP_EXAMPLE_SYSTEM);
    const policy = buildAdpPolicy(sys);
    const S0 = tf.tensor2d(Float32Array.from(lqrValueFactor(sys)), [sys.n, sys.n]);
    const { x0, noise } = sampleRollouts(new SeededRandom(5), sys, 8, 25);
    const before = tf.tidy(() => rolloutCost(policy, S0, x0, noise).dataSync()[0]!);
    const grad = tf.tidy(() => tf.grad((S: tf.Tensor) => rolloutCost(policy, S as tf.Tensor2D, x0, noise))(S0));
    const S1 = tf.tidy(() => S0.sub(grad.mul(0.1)) as tf.Tensor2D);
    const after = tf.tidy(() => rolloutCost(policy, S1, x0, noise).dataSync()[0]!);
    expect(Number.isFinite(before)).toBe(true);
    expect(after).toBeLessThan(before);
    tf.dispose([S0, grad, S1, x0, noise]);
  });
});
