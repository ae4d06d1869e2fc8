/**
 * Issue 12 atoms inside a real ConvexLayer (tfjs, float32): tf.grad of the
 * layer against central finite differences of the float64 solve (at float32
 * precision), and a short gradient loop that must not grow
 * tf.memory().numTensors.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Problem, convolve, geoMean, maximize, parameter, pnorm, powCone, sum, sumSquares, variable } from '../../../dsl/index.js';
import { init } from '../../../src/init.js';
import { ConvexLayer } from '../../../src/convex/index.js';

beforeAll(async () => {
  await init();
});

/** maximize geoMean(x) + sum(z) - |conv(k, x)|^2 / 2 - |x|^2 s.t. powCone(x, 1, z, 0.4), x <= b. */
function build() {
  const k = parameter(2, { name: 'k' });
  const b = parameter(3, { name: 'b' });
  const x = variable(3, 'x');
  const z = variable(3, 'z');
  const objective = geoMean(x, [1, 2, 1]).add(sum(z)).sub(sumSquares(convolve(k, x)).mul(0.5)).sub(sumSquares(x)).sub(pnorm(x, 3).mul(0.1));
  const problem = new Problem(maximize(objective), [powCone(x, 1, z, 0.4), x.le(b)]);
  return { problem, k, b, x };
}

const K = [0.6, -0.3];
const B = [0.5, 0.8, 0.3];

describe('ConvexLayer with power-cone and structured atoms', () => {
  it('tf.grad matches central differences of the float64 solve (float32 tolerance)', () => {
    const { problem, k, b, x } = build();
    const layer = new ConvexLayer(problem, { parameters: [k, b], variables: [x], epsAbs: 1e-9, epsRel: 1e-9, maxIters: 200_000 });
    const w = tf.tensor1d([1, -2, 0.5]);
    const loss = (kt: tf.Tensor, bt: tf.Tensor) => tf.sum(tf.mul(layer.apply([kt, bt])[0]!, w)) as tf.Scalar;
    const kt = tf.tensor1d(K);
    const bt = tf.tensor1d(B);
    const [gk, gb] = tf.grads(loss)([kt, bt]);
    // Reference: central differences of the float64 solve through problem.solve (a separate path from the layer).
    const solveLoss = (kv: number[], bv: number[]) => {
      k.value = kv;
      b.value = bv;
      const r = problem.solve({ epsAbs: 1e-9, epsRel: 1e-9, maxIters: 200_000 });
      expect(r.status).toBe('optimal');
      const xs = x.value!.data;
      return xs[0]! - 2 * xs[1]! + 0.5 * xs[2]!;
    };
    const h = 1e-3;
    const fd = (vals: number[], other: number[], first: boolean) =>
      vals.map((_, i) => {
        const up = vals.map((v, j) => (j === i ? v + h : v));
        const dn = vals.map((v, j) => (j === i ? v - h : v));
        return ((first ? solveLoss(up, other) : solveLoss(other, up)) - (first ? solveLoss(dn, other) : solveLoss(other, dn))) / (2 * h);
      });
    const refK = fd(K, B, true);
    const refB = fd(B, K, false);
    const scale = Math.max(1, ...refK.map(Math.abs), ...refB.map(Math.abs));
    Array.from(gk!.dataSync()).forEach((g, i) => expect(Math.abs(g - refK[i]!) / scale, `dk[${i}]`).toBeLessThan(2e-3));
    Array.from(gb!.dataSync()).forEach((g, i) => expect(Math.abs(g - refB[i]!) / scale, `db[${i}]`).toBeLessThan(2e-3));
    // Not all zero: the check has something to compare.
    expect(Math.max(...refK.map(Math.abs), ...refB.map(Math.abs))).toBeGreaterThan(1e-2);
    tf.dispose([w, kt, bt, gk!, gb!]);
  });

  it('a gradient loop does not grow tf.memory().numTensors', () => {
    const { problem, k, b, x } = build();
    const layer = new ConvexLayer(problem, { parameters: [k, b], variables: [x] });
    const kv = tf.variable(tf.tensor1d(K));
    const bt = tf.tensor1d(B);
    const optimizer = tf.train.sgd(0.05);
    const step = () => optimizer.minimize(() => tf.sum(tf.square(layer.apply([kv, bt])[0]!)) as tf.Scalar, false, [kv]);
    step();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 4; i++) step();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([kv, bt]);
    optimizer.dispose();
  });
});
