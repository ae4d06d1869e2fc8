import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src/backend.js';
import { ShapeError } from '../../../solvers/errors.js';
import { CONVEX_ACTIVATIONS, ICNN, icnn, icnnForward, icnnValueAndInputGradient, type IcnnLayerWeights } from '../../../src/icnn/index.js';

beforeAll(async () => {
  await selectBackend();
});

/** The weights of a built ICNN layer, in the order `createIcnnWeights` made them. */
function layerWeights(layer: ICNN): IcnnLayerWeights[] {
  return (layer as unknown as { layerWeights: IcnnLayerWeights[] }).layerWeights;
}

function built(activation: (typeof CONVEX_ACTIVATIONS)[number], seed: number): ICNN {
  const layer = icnn({ units: 1, hiddenUnits: [12, 10], activation, rehuWidth: 0.7, seed });
  layer.build([null, 3]);
  // Random weights, including negative raw hidden weights and non-zero biases.
  layer.setWeights(layer.getWeights().map((w, i) => tf.randomNormal(w.shape, 0, 0.8, 'float32', seed * 97 + i)));
  return layer;
}

describe('icnnValueAndInputGradient', () => {
  it('matches icnnForward and the tape gradient grad_x g, for every convex activation', () => {
    for (const [k, activation] of CONVEX_ACTIVATIONS.entries()) {
      const layer = built(activation, k + 1);
      const w = layerWeights(layer);
      tf.tidy(() => {
        const x = tf.randomNormal([64, 3], 0, 1.5, 'float32', 10 + k) as tf.Tensor2D;
        const { value, gradient } = icnnValueAndInputGradient(w, x, activation, 0.7);
        const reference = icnnForward(w, x, activation, 0.7);
        const tape = tf.grad((xx: tf.Tensor) => icnnForward(w, xx as tf.Tensor2D, activation, 0.7))(x);
        expect(tf.max(tf.abs(tf.sub(value, reference))).dataSync()[0]!).toBeLessThan(1e-5);
        expect(tf.max(tf.abs(tf.sub(gradient, tape))).dataSync()[0]!).toBeLessThan(1e-4);
      });
    }
  });

  it('has weight gradients of a loss of grad_x g equal to the nested-tape (second-order) gradients', () => {
    // (elu is left out: tfjs has no gradient for EluGrad, so the nested tape
    // cannot serve as the reference there; the explicit sweep uses exp instead.)
    for (const activation of ['softplus', 'rehu', 'relu'] as const) {
      const layer = built(activation, 7);
      const w = layerWeights(layer);
      const vars = layer.trainableWeights.map((v) => v.read() as tf.Variable);
      const x = tf.randomNormal([16, 3], 0, 1, 'float32', 8) as tf.Tensor2D;
      const c = tf.randomNormal([16, 3], 0, 1, 'float32', 9);
      const explicit = tf.variableGrads(() => tf.sum(tf.mul(c, icnnValueAndInputGradient(w, x, activation, 0.7).gradient)) as tf.Scalar, vars).grads;
      const nested = tf.variableGrads(() => tf.sum(tf.mul(c, tf.grad((xx: tf.Tensor) => icnnForward(w, xx as tf.Tensor2D, activation, 0.7))(x))) as tf.Scalar, vars).grads;
      // A weight that grad_x g does not depend on (the output bias) may get a null gradient: zero.
      const or0 = (g: tf.Tensor | null | undefined, v: tf.Variable) => g ?? tf.zeros(v.shape);
      for (const v of vars) {
        const [a, b] = [or0(explicit[v.name], v), or0(nested[v.name], v)];
        const diff = tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!;
        const scale = tf.max(tf.abs(b)).dataSync()[0]!;
        expect(diff).toBeLessThanOrEqual(1e-4 * Math.max(1, scale));
      }
    }
  });

  it('rejects a network with more than one output', () => {
    const layer = icnn({ units: 2, hiddenUnits: [4] });
    layer.build([null, 2]);
    expect(() => icnnValueAndInputGradient(layerWeights(layer), tf.zeros([1, 2]) as tf.Tensor2D, 'softplus', 1)).toThrow(ShapeError);
  });
});
