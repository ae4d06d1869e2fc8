import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../src/backend.js';
import { deqLayer, jointInputOptimization, naiveInputOptimization, type DEQLayer, type InputProjection } from '../../../../src/deq/index.js';
import { mulberry32 } from '../../../../examples/common/random.js';
import { disposeWeights } from './linear_problem.js';

beforeAll(async () => {
  await selectBackend();
});

const UNITS = 6;
const INPUT = 3;
const BATCH = 3;

/** A DEQ with the default dense tanh cell (a tfjs layer), seeded. */
function tanhLayer(): DEQLayer {
  const layer = deqLayer({ units: UNITS, forward: { maxIters: 100, absTol: 1e-6, relTol: 1e-6 } });
  layer.build([null, INPUT]);
  const r = mulberry32(5);
  layer.setWeights(layer.getWeights().map((w) => tf.tidy(() => tf.tensor(Array.from({ length: w.size }, () => (r() * 2 - 1) * 0.5), w.shape))));
  return layer;
}

/** L = 1/2 ||z - y||^2 + 0.05 ||x||^2: a nonconvex objective in x through the tanh DEQ. */
function objectiveFor(y: tf.Tensor2D) {
  return (z: tf.Tensor2D, x: tf.Tensor2D): tf.Tensor1D =>
    tf.add(tf.mul(0.5, tf.sum(tf.square(tf.sub(z, y)), 1)), tf.mul(0.05, tf.sum(tf.square(x), 1))) as tf.Tensor1D;
}

function data(): { y: tf.Tensor2D; x0: tf.Tensor2D } {
  const r = mulberry32(9);
  const y = tf.tensor2d(Array.from({ length: BATCH * UNITS }, () => (r() * 2 - 1) * 0.6), [BATCH, UNITS]);
  const x0 = tf.tensor2d(Array.from({ length: BATCH * INPUT }, () => (r() * 2 - 1) * 0.1), [BATCH, INPUT]);
  return { y, x0 };
}

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
}

describe('joint vs naive input optimization through a tanh DEQ', () => {
  const cases: { name: string; projection: (x0: tf.Tensor2D) => InputProjection | undefined; check: (x: tf.Tensor2D, x0: tf.Tensor2D) => number }[] = [
    { name: 'unconstrained', projection: () => undefined, check: () => 0 },
    {
      name: 'l2 ball',
      projection: (x0) => ({ kind: 'l2_ball', center: x0, radius: 0.3 }),
      check: (x, x0) => tf.tidy(() => tf.max(tf.norm(tf.sub(x, x0), 'euclidean', 1)).dataSync()[0]! - 0.3),
    },
    {
      name: 'linf ball',
      projection: (x0) => ({ kind: 'linf_ball', center: x0, radius: 0.15 }),
      check: (x, x0) => tf.tidy(() => tf.max(tf.abs(tf.sub(x, x0))).dataSync()[0]! - 0.15),
    },
  ];
  for (const c of cases) {
    it(`${c.name}: both methods reach the same stationary point, feasible`, () => {
      const layer = tanhLayer();
      const { y, x0 } = data();
      const projection = c.projection(x0);
      const objective = objectiveFor(y);
      const joint = jointInputOptimization(layer, objective, x0, { stepSize: 0.5, tol: 1e-5, maxIterations: 400, projection });
      const naive = naiveInputOptimization(layer, objective, x0, { stepSize: 0.5, tol: 1e-5, maxIterations: 1500, projection });
      expect(joint.stats.status).toBe('optimal');
      expect(naive.stats.status).toBe('optimal');
      expect(maxAbsDiff(joint.x, naive.x)).toBeLessThan(2e-3);
      expect(maxAbsDiff(joint.z, naive.z)).toBeLessThan(2e-3);
      for (let i = 0; i < BATCH; i++) expect(Math.abs(joint.stats.objective[i]! - naive.stats.objective[i]!)).toBeLessThan(1e-5 + 1e-4 * Math.abs(naive.stats.objective[i]!));
      expect(c.check(joint.x, x0)).toBeLessThanOrEqual(1e-6);
      expect(c.check(naive.x, x0)).toBeLessThanOrEqual(1e-6);
      // The constraint matters: the ball is active at the optimum for at least one sample.
      if (projection) {
        const unconstrained = jointInputOptimization(layer, objective, x0, { stepSize: 0.5, tol: 1e-5, maxIterations: 400 });
        expect(c.check(unconstrained.x, x0)).toBeGreaterThan(1e-3);
        tf.dispose([unconstrained.x, unconstrained.z, unconstrained.adjoint]);
      }
      // The returned z is the equilibrium at the returned x: check it by one independent forward solve.
      const zAtX = layer.apply(joint.x) as tf.Tensor2D;
      expect(maxAbsDiff(zAtX, joint.z)).toBeLessThan(1e-4);
      tf.dispose([y, x0, zAtX, joint.x, joint.z, joint.adjoint, naive.x, naive.z]);
      disposeWeights(layer);
    });
  }

  it('gradient in the weights of a layer cell matches central differences of the joint solve (float32, directional)', () => {
    const layer = tanhLayer();
    const { y, x0 } = data();
    const objective = objectiveFor(y);
    const c = tf.tensor2d(Array.from({ length: BATCH * INPUT }, (_, i) => Math.sin(i + 1)), [BATCH, INPUT]);
    const d = tf.tensor2d(Array.from({ length: BATCH * UNITS }, (_, i) => Math.cos(i + 2)), [BATCH, UNITS]);
    const outer = (): tf.Scalar => {
      const r = jointInputOptimization(layer, objective, x0, { stepSize: 0.5, tol: 1e-6, maxIterations: 600 });
      return tf.tidy(() => tf.add(tf.sum(tf.mul(r.x, c)), tf.sum(tf.mul(r.z, d))) as tf.Scalar);
    };
    const vars = layer.trainableWeights.map((w) => w.read() as tf.Variable);
    const { value, grads } = tf.variableGrads(outer, vars);
    const r = mulberry32(3);
    const h = 1e-2;
    for (const v of vars) {
      const dir = tf.tensor(Array.from({ length: v.size }, () => r() * 2 - 1), v.shape);
      const v0 = v.clone();
      const at = (t: number): number => {
        v.assign(tf.tidy(() => tf.add(v0, tf.mul(dir, t))));
        const l = outer();
        const out = l.dataSync()[0]!;
        l.dispose();
        return out;
      };
      const fd = (at(h) - at(-h)) / (2 * h);
      v.assign(v0);
      const analytic = tf.tidy(() => tf.sum(tf.mul(grads[v.name]!, dir)).dataSync()[0]!);
      expect(Math.abs(fd - analytic)).toBeLessThan(2e-2 * Math.max(1, Math.abs(fd)));
      tf.dispose([dir, v0]);
    }
    tf.dispose([y, x0, c, d, value, ...Object.values(grads)]);
    disposeWeights(layer);
  });
});
