/**
 * The robust training loss of Wong & Kolter (ICML 2018, eq. 14): softmax
 * cross-entropy applied to −J, where J_j lower-bounds the margin
 * f_y(x') − f_j(x') over the ε-ball. Since J_y = 0,
 *     L = CE(−J, y) = log Σ_j exp(−J_j),
 * an upper bound on the worst-case cross-entropy over the region. It is a tf
 * scalar whose gradient w.r.t. the model's variables comes from ordinary
 * tfjs autodiff through the dual network, including through the bounds l, u
 * of every layer (as in the paper).
 */
import * as tf from '@tensorflow/tfjs';
import { dualBounds, inputRegion } from './dual_network.js';
import { readReluNetwork } from './relu_network.js';
import { type LabelsLike, ROBUST_OPTION_KEYS, type RobustOptions, checkEpsilon, flattenInput, readLabels, resolveRobustOptions } from './robust_inputs.js';

/** Options of `robustLoss`: the ball's norm and an optional input box (see `RobustOptions`). */
export type RobustLossOptions = RobustOptions;

/**
 * Mean over the batch of log Σ_j exp(−J_j(x_b)) for the ε-ball (∩ inputBox)
 * around each example of `x` with labels `y`. Use inside
 * `optimizer.minimize(() => robustLoss(...))` or `tf.variableGrads`.
 */
export function robustLoss(model: tf.LayersModel, x: tf.Tensor, y: LabelsLike, epsilon: number, options: RobustLossOptions = {}): tf.Scalar {
  const { inputBox } = resolveRobustOptions(options, ROBUST_OPTION_KEYS, 'robustLoss options');
  const eps = checkEpsilon(epsilon);
  const network = readReluNetwork(model);
  return tf.tidy(() => {
    const flat = flattenInput(x, network.inputShape, inputBox);
    const labels = readLabels(y, flat.shape[0], network.outputSize);
    const oneHot = tf.oneHot(tf.tensor1d(labels, 'int32'), network.outputSize) as tf.Tensor2D;
    const { marginLower } = dualBounds(network, inputRegion(flat, eps, inputBox), oneHot);
    return tf.mean(tf.logSumExp(tf.neg(marginLower), 1)) as tf.Scalar;
  });
}
