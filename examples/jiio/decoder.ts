/**
 * A small DEQ decoder for MNIST latent-code optimization: a latent code x
 * (the DEQ's input) is decoded by the equilibrium z* = tanh(z* W~ + x U + b)
 * and a sigmoid readout image = sigmoid(z* V + c). W~ = W min(1, rho / ||W||_F)
 * keeps ||W~||_2 <= ||W~||_F <= rho < 1, so the cell stays a contraction
 * (tanh is 1-Lipschitz) however training moves W, and every forward solve exists.
 */
import * as tf from '@tensorflow/tfjs';
import { deqLayer, type DEQLayer, type InputObjective } from 'optlayers';
import { SeededRandom } from '../common/random.js';

/** Contraction bound rho of the recurrent weight. */
const RHO = 0.9;

export interface Decoder {
  readonly layer: DEQLayer;
  /** Readout weights (outside the DEQ cell; passed to the joint solve as `variables`). */
  readonly readout: readonly [tf.Variable, tf.Variable];
  /** Images [batch, 784] from equilibria z [batch, units]. */
  decode(z: tf.Tensor2D): tf.Tensor2D;
  /**
   * The latent-code objective for targets t [batch, 784]:
   * L_i = 1/2 ||decode(z_i) - t_i||^2 + lambda/2 ||x_i||^2 (a Gaussian prior on the code).
   */
  objective(targets: tf.Tensor2D, lambda: number): InputObjective;
  dispose(): void;
}

function uniform(shape: number[], scale: number, rng: SeededRandom): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({ length: n }, () => rng.between(-scale, scale)), shape);
}

export function buildDecoder(latent: number, units: number, pixels: number, seed: number): Decoder {
  const rng = new SeededRandom(seed);
  const layer = deqLayer({
    units,
    cell: {
      weights: [
        { name: 'W', shape: (_d, n) => [n, n] },
        { name: 'U', shape: (d, n) => [d, n] },
        { name: 'b', shape: (_d, n) => [n] },
      ],
      apply: (z, x, [W, U, b]) =>
        tf.tidy(() => {
          const shrink = tf.minimum(1, tf.div(RHO, tf.sqrt(tf.add(tf.sum(tf.square(W!)), 1e-12))));
          return tf.tanh(tf.add(tf.add(tf.matMul(z, tf.mul(W!, shrink) as tf.Tensor2D), tf.matMul(x, U as tf.Tensor2D)), b!)) as tf.Tensor2D;
        }),
    },
    forward: { solver: 'anderson', maxIters: 60, relTol: 1e-4, absTol: 1e-6 },
  });
  layer.build([null, latent]);
  const init = [uniform([units, units], 0.5 / Math.sqrt(units), rng), uniform([latent, units], 1.5 / Math.sqrt(latent), rng), tf.zeros([units])];
  layer.setWeights(init);
  tf.dispose(init);
  const V = tf.variable(uniform([units, pixels], Math.sqrt(6 / (units + pixels)), rng), true, `jiio_readout_V_${seed}`);
  // Bias at the logit of the mean pixel intensity (~0.13 on MNIST), so an untrained decoder outputs a grey mean image.
  const c = tf.variable(tf.fill([pixels], -1.9), true, `jiio_readout_c_${seed}`);
  const decode = (z: tf.Tensor2D): tf.Tensor2D => tf.sigmoid(tf.add(tf.matMul(z, V), c)) as tf.Tensor2D;
  return {
    layer,
    readout: [V, c],
    decode,
    objective: (targets, lambda) => (z, x) =>
      tf.tidy(() => tf.add(tf.mul(0.5, tf.sum(tf.square(tf.sub(decode(z), targets)), 1)), tf.mul(0.5 * lambda, tf.sum(tf.square(x), 1))) as tf.Tensor1D),
    dispose: () => {
      for (const w of layer.weights) w.dispose();
      V.dispose();
      c.dispose();
    },
  };
}
