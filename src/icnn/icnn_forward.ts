import * as tf from '@tensorflow/tfjs';
import { applyConvexActivation, type ConvexActivation } from './convex_activation.js';
import type { IcnnLayerWeights } from './icnn_weights.js';

/**
 * Forward pass of a fully input-convex network (Amos, Xu & Kolter 2017, eq. 2):
 *
 *   z_1     = g(x W_0 + b_0)
 *   z_{k+1} = g(z_k softplus(U_k) + x W_k + b_k)        k = 1..L-1
 *   out     = z_L softplus(U_L) + x W_L + b_L
 *
 * Each output is convex in x for ANY real weights: softplus(U_k) >= 0 and g is
 * convex non-decreasing, so every z_k is convex (a non-negative sum of convex
 * functions plus an affine term, composed with a convex non-decreasing g).
 * Differentiable (to second order) in x and in every weight.
 */
export function icnnForward(
  layers: readonly IcnnLayerWeights[],
  x: tf.Tensor2D,
  activation: ConvexActivation,
  rehuWidth: number,
): tf.Tensor2D {
  return tf.tidy(() => {
    let z: tf.Tensor2D | undefined;
    layers.forEach((w, i) => {
      let pre = tf.add(tf.matMul(x, w.input.read() as tf.Tensor2D), w.bias.read()) as tf.Tensor2D;
      if (z !== undefined && w.hiddenRaw !== undefined) {
        pre = tf.add(pre, tf.matMul(z, tf.softplus(w.hiddenRaw.read()) as tf.Tensor2D));
      }
      z = i === layers.length - 1 ? pre : applyConvexActivation(pre, activation, rehuWidth);
    });
    return z!;
  });
}
