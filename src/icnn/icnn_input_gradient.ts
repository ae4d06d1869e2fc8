import * as tf from '@tensorflow/tfjs';
import { ShapeError } from '../../solvers/errors.js';
import { applyConvexActivation, convexActivationDerivative, type ConvexActivation } from './convex_activation.js';
import type { IcnnLayerWeights } from './icnn_weights.js';

/** A scalar ICNN output and its gradient with respect to the input, batched. */
export interface IcnnValueAndInputGradient {
  /** g(x), shape [batch, 1]. */
  readonly value: tf.Tensor2D;
  /** grad_x g(x), shape [batch, n]. */
  readonly gradient: tf.Tensor2D;
}

/**
 * g(x) and grad_x g(x) of a single-output fully input-convex network (the
 * network of `icnnForward`), by an explicit reverse sweep written with plain
 * ops instead of a gradient tape. With pre-activations p_k and z_k = act(p_k):
 *
 *   delta_L = 1,  delta_{k} = (delta_{k+1} softplus(U_{k+1})') o act'(p_k),
 *   grad_x g = sum_k delta_k W_k'
 *
 * The result is an ordinary differentiable expression of x and the weights,
 * so a loss of the gradient (the stable projection) trains with first-order
 * tape gradients instead of nested tapes, and evaluation for rollouts needs
 * no tape at all. The output layer must have exactly one unit.
 */
export function icnnValueAndInputGradient(
  layers: readonly IcnnLayerWeights[],
  x: tf.Tensor2D,
  activation: ConvexActivation,
  rehuWidth: number,
): IcnnValueAndInputGradient {
  const outUnits = layers[layers.length - 1]!.input.shape[1];
  if (outUnits !== 1) throw new ShapeError(`icnnValueAndInputGradient needs a single-output network, got ${outUnits} outputs`);
  return tf.tidy(() => {
    const slopes: tf.Tensor2D[] = [];
    const hidden: tf.Tensor2D[] = [];
    let z: tf.Tensor2D | undefined;
    layers.forEach((w, i) => {
      let pre = tf.add(tf.matMul(x, w.input.read() as tf.Tensor2D), w.bias.read()) as tf.Tensor2D;
      if (z !== undefined && w.hiddenRaw !== undefined) {
        const kernel = tf.softplus(w.hiddenRaw.read()) as tf.Tensor2D;
        hidden.push(kernel);
        pre = tf.add(pre, tf.matMul(z, kernel));
      }
      if (i === layers.length - 1) {
        z = pre;
      } else {
        slopes.push(convexActivationDerivative(pre, activation, rehuWidth));
        z = applyConvexActivation(pre, activation, rehuWidth);
      }
    });
    // Reverse sweep: delta is d g / d p_k, starting from the linear output layer.
    const last = layers.length - 1;
    let gradient = tf.transpose(layers[last]!.input.read()) as tf.Tensor2D; // [1, n], broadcast over the batch
    let delta: tf.Tensor2D | undefined;
    for (let k = last - 1; k >= 0; k--) {
      const kernel = hidden[k]!; // softplus(U_{k+1}), [width_k, width_{k+1}]
      const back = delta === undefined ? tf.transpose(kernel) : tf.matMul(delta, kernel, false, true);
      delta = tf.mul(back, slopes[k]!) as tf.Tensor2D;
      gradient = tf.add(gradient, tf.matMul(delta, layers[k]!.input.read() as tf.Tensor2D, false, true)) as tf.Tensor2D;
    }
    if (gradient.shape[0] !== x.shape[0]) gradient = tf.broadcastTo(gradient, x.shape) as tf.Tensor2D;
    return { value: z!, gradient };
  });
}
