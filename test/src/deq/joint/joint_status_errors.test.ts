import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../src/backend.js';
import { ShapeError, SolverError, ValueError } from '../../../../solvers/errors.js';
import { deqLayer, jointInputOptimization, naiveInputOptimization } from '../../../../src/deq/index.js';
import { withSecondOrderGradients } from '../../../../src/deq/joint/second_order_gradients.js';
import { disposeWeights, linearLayer, quadraticObjective, randomLinearProblem } from './linear_problem.js';

beforeAll(async () => {
  await selectBackend();
});

const p = randomLinearProblem(4, 3, 2);

function setup() {
  const layer = linearLayer(p);
  const y = tf.tensor2d([
    [0.3, -0.2, 0.5, 0.1],
    [-0.4, 0.2, 0.0, 0.6],
  ]);
  const x0 = tf.zeros([2, 3]) as tf.Tensor2D;
  const done = (): void => {
    tf.dispose([y, x0]);
    disposeWeights(layer);
  };
  return { layer, y, x0, objective: quadraticObjective(y, p.lambda), done };
}

describe('joint input optimization: statuses', () => {
  it('reports max_iters (per sample too) when the iteration limit is hit, and throws only when asked', () => {
    const { layer, x0, objective, done } = setup();
    const r = jointInputOptimization(layer, objective, x0, { maxIterations: 3, stepSize: 0.3 });
    expect(r.stats.status).toBe('max_iters');
    expect(r.stats.statuses).toEqual(['max_iters', 'max_iters']);
    expect(r.stats.iterations).toBe(3);
    expect(r.stats.objectiveTrace).toHaveLength(3);
    expect(r.stats.timeTraceMs).toHaveLength(3);
    expect(r.stats.message).toMatch(/max_iters.*worst sample/);
    // The block residuals of an unconverged state are large, not small.
    expect(Math.max(...r.stats.residuals.x)).toBeGreaterThan(1e-4);
    tf.dispose([r.x, r.z, r.adjoint]);
    expect(() => jointInputOptimization(layer, objective, x0, { maxIterations: 3, stepSize: 0.3, throwOnFailure: true })).toThrow(SolverError);
    const n = naiveInputOptimization(layer, objective, x0, { maxIterations: 3, stepSize: 0.3 });
    expect(n.stats.status).toBe('max_iters');
    tf.dispose([n.x, n.z]);
    expect(() => naiveInputOptimization(layer, objective, x0, { maxIterations: 3, stepSize: 0.3, throwOnFailure: true })).toThrow(SolverError);
    done();
  });

  it('reports optimal with residuals below tolerance, and objective values that match a direct evaluation', () => {
    const { layer, y, x0, objective, done } = setup();
    const r = jointInputOptimization(layer, objective, x0, { stepSize: 0.3, tol: 1e-5 });
    expect(r.stats.status).toBe('optimal');
    const direct = objective(r.z, r.x).dataSync();
    for (let i = 0; i < 2; i++) expect(Math.abs(direct[i]! - r.stats.objective[i]!)).toBeLessThan(1e-5);
    for (const block of ['z', 'u', 'x'] as const) for (const v of r.stats.residuals[block]) expect(v).toBeLessThan(1e-4);
    expect(r.stats.objectiveTrace.at(-1)!).toBeLessThan(r.stats.objectiveTrace[0]!);
    tf.dispose([r.x, r.z, r.adjoint]);
    void y;
    done();
  });

  it('reports nonfinite when the objective becomes NaN and returns the last finite iterate', () => {
    const { layer, x0, done } = setup();
    // sqrt of a quantity that turns negative as x moves: NaN after a few steps.
    const objective = (z: tf.Tensor2D, x: tf.Tensor2D): tf.Tensor1D => tf.add(tf.sum(tf.square(z), 1), tf.sqrt(tf.sub(0.05, tf.sum(x, 1)))) as tf.Tensor1D;
    const r = jointInputOptimization(layer, objective, x0, { stepSize: 0.5, maxIterations: 100 });
    expect(r.stats.status).toBe('nonfinite');
    expect(r.stats.statuses).toContain('nonfinite');
    const x = r.x.dataSync();
    expect(Array.from(x).every(Number.isFinite)).toBe(true);
    tf.dispose([r.x, r.z, r.adjoint]);
    expect(() => jointInputOptimization(layer, objective, x0, { stepSize: 0.5, throwOnFailure: true })).toThrow(SolverError);
    const n = naiveInputOptimization(layer, objective, x0, { stepSize: 0.5, maxIterations: 100 });
    expect(n.stats.status).toBe('nonfinite');
    expect(Array.from(n.x.dataSync()).every(Number.isFinite)).toBe(true);
    tf.dispose([n.x, n.z]);
    done();
  });
});

describe('joint input optimization: typed errors', () => {
  it('names bad options, shapes and arguments', () => {
    const { layer, x0, objective, done } = setup();
    expect(() => jointInputOptimization(layer, objective, x0, { stepsize: 0.1 } as never)).toThrow(ValueError);
    expect(() => jointInputOptimization(layer, objective, x0, { anderson: { memroy: 3 } } as never)).toThrow(ValueError);
    expect(() => jointInputOptimization(layer, objective, x0, { stepSize: -1 })).toThrow(ValueError);
    expect(() => jointInputOptimization(layer, objective, x0, { tol: 0 })).toThrow(ValueError);
    expect(() => jointInputOptimization(layer, objective, x0, { maxIterations: 1.5 })).toThrow(ValueError);
    expect(() => jointInputOptimization(layer, objective, x0, { anderson: { damping: 2 } })).toThrow(ValueError);
    expect(() => jointInputOptimization(layer, objective, x0, { anderson: { inputWeight: 0 } })).toThrow(ValueError);
    expect(() => jointInputOptimization(layer, objective, x0, { backward: { solver: 'newton' } as never })).toThrow(ValueError);
    expect(() => jointInputOptimization({} as never, objective, x0)).toThrow(ValueError);
    expect(() => jointInputOptimization(layer, 'loss' as never, x0)).toThrow(ValueError);
    const rank1 = tf.zeros([3]);
    expect(() => jointInputOptimization(layer, objective, rank1 as never)).toThrow(ShapeError);
    const nan = tf.tensor2d([[NaN, 0, 0]]);
    expect(() => jointInputOptimization(layer, objective, nan)).toThrow(ValueError);
    const wide = tf.zeros([2, 5]) as tf.Tensor2D;
    expect(() => jointInputOptimization(layer, objective, wide)).toThrow(ShapeError);
    // The objective must return one value per example.
    expect(() => jointInputOptimization(layer, (z) => tf.sum(z), x0)).toThrow(ShapeError);
    expect(() => jointInputOptimization(layer, (z) => tf.sum(z, 0), x0)).toThrow(ShapeError);
    // Projections.
    expect(() => jointInputOptimization(layer, objective, x0, { projection: { kind: 'sphere' } as never })).toThrow(ValueError);
    expect(() => jointInputOptimization(layer, objective, x0, { projection: { kind: 'box', lo: 1, hi: 0 } })).toThrow(ValueError);
    expect(() => jointInputOptimization(layer, objective, x0, { projection: { kind: 'box', lo: 0, hi: 1, center: x0 } as never })).toThrow(ValueError);
    const badCenter = tf.zeros([2, 4]);
    expect(() => jointInputOptimization(layer, objective, x0, { projection: { kind: 'l2_ball', center: badCenter, radius: 1 } })).toThrow(ShapeError);
    expect(() => jointInputOptimization(layer, objective, x0, { projection: { kind: 'linf_ball', center: x0, radius: -1 } })).toThrow(ValueError);
    const badZ0 = tf.zeros([2, 2]) as tf.Tensor2D;
    expect(() => jointInputOptimization(layer, objective, x0, { z0: badZ0 })).toThrow(ShapeError);
    expect(() => naiveInputOptimization(layer, objective, x0, { warmstart: true } as never)).toThrow(ValueError);
    expect(() => naiveInputOptimization(layer, objective, x0, { projection: { kind: 'box', lo: 1, hi: 0 } })).toThrow(ValueError);
    tf.dispose([rank1, nan, wide, badCenter, badZ0]);
    done();
  });
});

describe('joint input optimization: memory', () => {
  it('repeated calls of both methods leave tf.memory().numTensors unchanged', () => {
    const { layer, x0, objective, done } = setup();
    const box = { kind: 'box' as const, lo: -0.2, hi: 0.2 };
    const once = (): void => {
      const r = jointInputOptimization(layer, objective, x0, { stepSize: 0.3, projection: box });
      const n = naiveInputOptimization(layer, objective, x0, { stepSize: 0.3, projection: box, maxIterations: 20 });
      tf.dispose([r.x, r.z, r.adjoint, n.x, n.z]);
    };
    once();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) once();
    expect(tf.memory().numTensors).toBe(before);
    done();
  });

  it('a training loop through the joint equilibrium (optimizer steps on the weights) does not grow numTensors', () => {
    const layer = deqLayer({ units: 5, forward: { maxIters: 60 } });
    layer.build([null, 3]);
    const y = tf.tensor2d([
      [0.2, -0.1, 0.3, 0.0, 0.1],
      [-0.3, 0.2, 0.1, 0.2, -0.1],
    ]);
    const x0 = tf.zeros([2, 3]) as tf.Tensor2D;
    const head = tf.variable(tf.zeros([3]), true, 'joint_test_head');
    const objective = (z: tf.Tensor2D, x: tf.Tensor2D): tf.Tensor1D =>
      tf.add(tf.mul(0.5, tf.sum(tf.square(tf.sub(z, y)), 1)), tf.mul(0.1, tf.sum(tf.square(tf.sub(x, head)), 1))) as tf.Tensor1D;
    const optimizer = tf.train.adam(1e-2);
    const weights = [...layer.trainableWeights.map((w) => w.read() as tf.Variable), head];
    const losses: number[] = [];
    const step = (): void => {
      const cost = optimizer.minimize(() => {
        const r = jointInputOptimization(layer, objective, x0, { stepSize: 0.5, variables: [head] });
        tf.dispose(r.adjoint);
        // Outer loss: the reconstruction at the optimized input (what latent-code training minimizes).
        return tf.mean(objective(r.z, r.x)) as tf.Scalar;
      }, true, weights);
      losses.push(cost!.dataSync()[0]!);
      cost!.dispose();
    };
    step();
    step();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) step();
    expect(tf.memory().numTensors).toBe(before);
    expect(losses.at(-1)!).toBeLessThan(losses[0]!);
    optimizer.dispose();
    tf.dispose([y, x0, head]);
    disposeWeights(layer);
  });
});

describe('withSecondOrderGradients', () => {
  it('gives tanh, sigmoid, exp and softmax correct second derivatives and restores the stock rules', () => {
    const stock = tf.getGradient('Tanh');
    const x = tf.scalar(0.7);
    const second = (f: (t: tf.Tensor) => tf.Tensor): number => withSecondOrderGradients(() => tf.tidy(() => tf.grad(tf.grad(f))(x).dataSync()[0]!));
    const t = Math.tanh(0.7);
    const s = 1 / (1 + Math.exp(-0.7));
    expect(second(tf.tanh)).toBeCloseTo(-2 * t * (1 - t * t), 5);
    expect(second(tf.sigmoid)).toBeCloseTo(s * (1 - s) * (1 - 2 * s), 5);
    expect(second(tf.exp)).toBeCloseTo(Math.exp(0.7), 5);
    // d^2/dx0^2 of log softmax([x0, 0])_0 = -s (1 - s) with s = sigmoid(x0).
    const lsm = (v: tf.Tensor): tf.Tensor => tf.slice(tf.log(tf.softmax(tf.stack([v, tf.scalar(0)]))), [0], [1]).sum();
    expect(second(lsm)).toBeCloseTo(-s * (1 - s), 5);
    expect(tf.getGradient('Tanh')).toBe(stock);
    x.dispose();
  });
});
