import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../src/backend.js';
import { jointInputOptimization, naiveInputOptimization, type InputProjection } from '../../../../src/deq/index.js';
import { closedForm, disposeWeights, linearLayer, quadraticObjective, randomLinearProblem, type LinearProblem } from './linear_problem.js';

beforeAll(async () => {
  await selectBackend();
});

const TARGETS = [
  [0.3, -0.2, 0.5, 0.1],
  [-0.4, 0.2, 0.0, 0.6],
];

function maxAbs(a: number[][], b: number[][]): number {
  return Math.max(...a.flatMap((row, i) => row.map((v, j) => Math.abs(v - b[i]![j]!))));
}

describe('joint input optimization on a linear DEQ with a quadratic objective (closed form)', () => {
  const p = randomLinearProblem(4, 3, 1);

  it('joint and naive both reach the closed-form optimum x*, z*', () => {
    const layer = linearLayer(p);
    const y = tf.tensor2d(TARGETS);
    const x0 = tf.zeros([2, 3]) as tf.Tensor2D;
    const objective = quadraticObjective(y, p.lambda);
    const joint = jointInputOptimization(layer, objective, x0, { stepSize: 0.3, tol: 1e-5, maxIterations: 300 });
    const naive = naiveInputOptimization(layer, objective, x0, { stepSize: 0.3, tol: 1e-5, maxIterations: 2000 });
    const exact = TARGETS.map((t) => closedForm(p, t));
    expect(joint.stats.status).toBe('optimal');
    expect(naive.stats.status).toBe('optimal');
    expect(maxAbs(joint.x.arraySync(), exact.map((e) => e.x))).toBeLessThan(2e-4);
    expect(maxAbs(joint.z.arraySync(), exact.map((e) => e.z))).toBeLessThan(2e-4);
    expect(maxAbs(naive.x.arraySync(), exact.map((e) => e.x))).toBeLessThan(5e-4);
    // The mixing metric changes the path, not the fixed point.
    const weighted = jointInputOptimization(layer, objective, x0, { stepSize: 0.3, tol: 1e-5, maxIterations: 300, anderson: { memory: 10, inputWeight: 5 } });
    expect(weighted.stats.status).toBe('optimal');
    expect(maxAbs(weighted.x.arraySync(), exact.map((e) => e.x))).toBeLessThan(2e-4);
    tf.dispose([weighted.x, weighted.z, weighted.adjoint]);
    // Same fixed point, far fewer cell evaluations: each naive step runs two full solves.
    expect(joint.stats.iterations).toBeLessThan(naive.stats.forwardIterations + naive.stats.backwardIterations);
    // The returned adjoint is u = (I - W')^-1 ... in row form: u = (z* - y)(I - W)^-T, checked by its fixed-point equation.
    const W = tf.tensor2d(p.W);
    const uResidual = tf.tidy(() => tf.max(tf.abs(tf.sub(tf.add(tf.matMul(joint.adjoint, W, false, true), tf.sub(joint.z, y)), joint.adjoint))).dataSync()[0]!);
    expect(uResidual).toBeLessThan(1e-4);
    tf.dispose([y, x0, W, joint.x, joint.z, joint.adjoint, naive.x, naive.z]);
    disposeWeights(layer);
  });

  it('a box projection is respected and matches the float64 box-constrained optimum', () => {
    const layer = linearLayer(p);
    const y = tf.tensor2d(TARGETS);
    const x0 = tf.fill([2, 3], 0.1) as tf.Tensor2D;
    const projection: InputProjection = { kind: 'box', lo: -0.25, hi: 0.25 };
    const objective = quadraticObjective(y, p.lambda);
    const joint = jointInputOptimization(layer, objective, x0, { stepSize: 0.3, tol: 1e-5, projection });
    const exact = TARGETS.map((t) => closedForm(p, t, -0.25, 0.25));
    // The constraint is active for this problem (the unconstrained x* leaves the box).
    expect(TARGETS.some((t) => closedForm(p, t).x.some((v) => Math.abs(v) > 0.25))).toBe(true);
    expect(joint.stats.status).toBe('optimal');
    const x = joint.x.arraySync();
    expect(Math.max(...x.flat().map(Math.abs))).toBeLessThanOrEqual(0.25 + 1e-7);
    expect(maxAbs(x, exact.map((e) => e.x))).toBeLessThan(2e-4);
    tf.dispose([y, x0, joint.x, joint.z, joint.adjoint]);
    disposeWeights(layer);
  });

  for (const box of [undefined, 0.25]) {
    it(`weight gradients through the joint equilibrium match float64 central differences of the closed form (${box === undefined ? 'unconstrained' : 'active box'})`, () => {
      const layer = linearLayer(p);
      const y = tf.tensor2d(TARGETS);
      const x0 = tf.zeros([2, 3]) as tf.Tensor2D;
      const rx = [
        [1, -2, 0.5],
        [0.3, 0.7, -1],
      ];
      const qz = [
        [0.2, -0.1, 0.4, 1],
        [-0.5, 0.3, 0.2, -0.2],
      ];
      const projection: InputProjection | undefined = box === undefined ? undefined : { kind: 'box', lo: -box, hi: box };
      const weights = layer.trainableWeights.map((w) => w.read() as tf.Variable);
      let backwardStatus = '';
      const { value, grads } = tf.variableGrads(() => {
        const r = jointInputOptimization(layer, quadraticObjective(y, p.lambda), x0, {
          stepSize: 0.3,
          tol: 1e-6,
          maxIterations: 300,
          projection,
          onBackwardStats: (s) => (backwardStatus = s.status),
        });
        expect(r.stats.status).toBe('optimal');
        return tf.add(tf.sum(tf.mul(r.x, rx)), tf.sum(tf.mul(r.z, qz))) as tf.Scalar;
      }, weights);
      expect(backwardStatus).toBe('optimal');
      const loss64 = (q: LinearProblem): number => {
        let s = 0;
        TARGETS.forEach((t, i) => {
          const c = closedForm(q, t, box === undefined ? undefined : -box, box);
          c.x.forEach((v, j) => (s += v * rx[i]![j]!));
          c.z.forEach((v, j) => (s += v * qz[i]![j]!));
        });
        return s;
      };
      expect(Math.abs(value.dataSync()[0]! - loss64(p))).toBeLessThan(1e-4);
      const h = 1e-6;
      const names = ['W', 'U', 'b'] as const;
      weights.forEach((w, k) => {
        const name = names[k]!;
        const analytic = grads[w.name]!.dataSync();
        const cols = name === 'b' ? p.b.length : p[name][0]!.length;
        let worst = 0;
        let scale = 0;
        for (let i = 0; i < analytic.length; i++) {
          const shifted = (d: number): LinearProblem => {
            const q = JSON.parse(JSON.stringify(p)) as { W: number[][]; U: number[][]; b: number[] };
            if (name === 'b') q.b[i]! += d;
            else q[name][Math.floor(i / cols)]![i % cols]! += d;
            return { ...p, ...q };
          };
          const fd = (loss64(shifted(h)) - loss64(shifted(-h))) / (2 * h);
          worst = Math.max(worst, Math.abs(fd - analytic[i]!));
          scale = Math.max(scale, Math.abs(fd));
        }
        // float32 solve vs float64 reference: a few 1e-4 of the gradient scale.
        expect(worst / Math.max(1, scale)).toBeLessThan(1e-3);
      });
      tf.dispose([y, x0, value, ...Object.values(grads)]);
      disposeWeights(layer);
    });
  }
});
