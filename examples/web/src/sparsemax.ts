import * as tf from '@tensorflow/tfjs';
import { ConvexLayer } from 'optlayers';
import { Problem, minimize, parameter, sum, sumSquares, variable } from 'optlayers/dsl';

/**
 * Sparsemax (Martins & Astudillo 2016): the Euclidean projection of scores z
 * onto the probability simplex, p(z) = argmin |p - z|^2 s.t. sum(p) = 1,
 * p >= 0. A QP, so the layer's 'auto' route uses the interior point solver.
 */
export function sparsemaxLayer(classes: number): ConvexLayer {
  const z = parameter(classes, { name: 'scores' });
  const p = variable(classes, { name: 'probs' });
  return new ConvexLayer(new Problem(minimize(sumSquares(p.sub(z))), [sum(p).eq(1), p.ge(0)]), { parameters: [z], variables: [p] });
}

export interface SparsemaxReadout {
  readonly z: number[];
  readonly p: number[];
  /** jacobian[i][j] = d p_i / d z_j. */
  readonly jacobian: number[][];
}

/** Sparsemax of `z` and its Jacobian (one vector-Jacobian product per class); every tensor is released. */
export function sparsemax(layer: ConvexLayer, z: readonly number[]): SparsemaxReadout {
  return tf.tidy(() => {
    const zt = tf.tensor1d(z as number[]);
    const p = Array.from(layer.apply([zt])[0]!.dataSync());
    const jacobian = z.map((_, i) => {
      const e = tf.oneHot(tf.tensor1d([i], 'int32'), z.length).reshape([z.length]).toFloat();
      return Array.from(tf.grad((v: tf.Tensor) => tf.sum(tf.mul(layer.apply([v])[0]!, e)))(zt).dataSync());
    });
    return { z: [...z], p, jacobian };
  });
}
