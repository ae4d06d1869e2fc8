import * as tf from '@tensorflow/tfjs';
import type { FixedPointMap } from '../deq/fixed_point_monitor.js';

/*
 * Splitting maps of the monDEQ (Winston & Kolter 2020, section 4), written for
 * row-major batches (a row z of shape [batch, n] stands for a column vector,
 * so W z becomes z W'). The forward problem is the monotone inclusion
 *   0 in (I - W) z - s + N_{z >= 0}(z),   s = U x + b,
 * whose solution is the equilibrium z = relu(W z + s). The backward problem,
 * with D = diag(1[W z* + s > 0]) and incoming gradient g = dl/dz*, is
 *   0 in (I - W') q - g + N_{range D}(q),
 * i.e. q = D (W' q + g): the same splitting on the transposed operator with
 * the projection q -> D q in place of relu. Then dl/ds = q.
 */

/** Forward-backward map z -> relu(z - alpha ((I - W) z - s)) (eq. 12). */
export function forwardBackwardMap(W: tf.Tensor2D, s: tf.Tensor2D, alpha: number): FixedPointMap {
  return (z) => tf.relu(tf.add(tf.mul(z, 1 - alpha), tf.mul(tf.add(tf.matMul(z, W, false, true), s), alpha))) as tf.Tensor2D;
}

/**
 * Peaceman-Rachford map on the auxiliary variable u (eq. 13), with
 * V = (I + alpha (I - W))^{-1}: u_half = 2 relu(u) - u,
 * z_half = V (u_half + alpha s), u <- 2 z_half - u_half. The equilibrium is relu(u*).
 */
export function peacemanRachfordMap(V: tf.Tensor2D, s: tf.Tensor2D, alpha: number): FixedPointMap {
  return (u) => {
    const uHalf = tf.sub(tf.mul(tf.relu(u), 2), u);
    const zHalf = tf.matMul(tf.add(uHalf, tf.mul(s, alpha)), V, false, true);
    return tf.sub(tf.mul(zHalf, 2), uHalf) as tf.Tensor2D;
  };
}

/** Backward forward-backward map q -> D ((1 - alpha) q + alpha (W' q + g)). */
export function backwardForwardBackwardMap(W: tf.Tensor2D, D: tf.Tensor2D, g: tf.Tensor2D, alpha: number): FixedPointMap {
  return (q) => tf.mul(D, tf.add(tf.mul(q, 1 - alpha), tf.mul(tf.add(tf.matMul(q, W), g), alpha))) as tf.Tensor2D;
}

/** Backward Peaceman-Rachford map with V' and the projection D; the solution is q = D u*. */
export function backwardPeacemanRachfordMap(V: tf.Tensor2D, D: tf.Tensor2D, g: tf.Tensor2D, alpha: number): FixedPointMap {
  return (u) => {
    const uHalf = tf.sub(tf.mul(tf.mul(D, u), 2), u);
    const zHalf = tf.matMul(tf.add(uHalf, tf.mul(g, alpha)), V);
    return tf.sub(tf.mul(zHalf, 2), uHalf) as tf.Tensor2D;
  };
}
