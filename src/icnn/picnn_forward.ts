import * as tf from '@tensorflow/tfjs';
import { ValueError } from '../../solvers/errors.js';
import { applyConvexActivation, type ConvexActivation } from './convex_activation.js';
import { nonNegativeInitializer, subSeed } from './icnn_weights.js';
import type { WeightFactory } from './layer_types.js';

/** Activation of the conditioning path u (no convexity needed there). */
export type ConditionActivation = 'tanh' | 'relu' | 'softplus' | 'sigmoid' | 'linear';

const CONDITION_ACTIVATIONS: readonly ConditionActivation[] = ['tanh', 'relu', 'softplus', 'sigmoid', 'linear'];

/** Throws a `ValueError` naming `what` unless `name` is a `ConditionActivation`. */
export function checkConditionActivation(name: unknown, what: string): ConditionActivation {
  if (typeof name !== 'string' || !(CONDITION_ACTIVATIONS as readonly string[]).includes(name)) {
    throw new ValueError(`${what} must be one of ${CONDITION_ACTIVATIONS.join(', ')}, got ${String(name)}`);
  }
  return name as ConditionActivation;
}

function applyConditionActivation(u: tf.Tensor2D, name: ConditionActivation): tf.Tensor2D {
  switch (name) {
    case 'tanh':
      return tf.tanh(u);
    case 'relu':
      return tf.relu(u);
    case 'softplus':
      return tf.softplus(u);
    case 'sigmoid':
      return tf.sigmoid(u);
    case 'linear':
      return u;
  }
}

/**
 * Weights of layer i of a partially input-convex network (Amos, Xu & Kolter
 * 2017, eq. 3). Names follow the paper: the z-path kernel W^(z) = softplus(hiddenRaw),
 * its gate W^(zu), b^(z); the x-path kernel W^(y) with gate W^(yu), b^(y);
 * the u-to-z kernel W^(u) and bias b; and the conditioning path W~, b~.
 */
export interface PicnnLayerWeights {
  readonly hiddenRaw?: tf.LayerVariable;
  readonly hiddenGateKernel?: tf.LayerVariable;
  readonly hiddenGateBias?: tf.LayerVariable;
  readonly inputKernel: tf.LayerVariable;
  readonly inputGateKernel: tf.LayerVariable;
  readonly inputGateBias: tf.LayerVariable;
  readonly conditionKernel: tf.LayerVariable;
  readonly bias: tf.LayerVariable;
  readonly pathKernel?: tf.LayerVariable;
  readonly pathBias?: tf.LayerVariable;
}

/**
 * Creates the weights of a partially input-convex network with convex input
 * size `inputDim`, conditioning size `conditionDim`, hidden widths
 * `hiddenUnits` (shared by the z and u paths) and `units` outputs.
 */
export function createPicnnWeights(
  addWeight: WeightFactory,
  inputDim: number,
  conditionDim: number,
  hiddenUnits: readonly number[],
  units: number,
  seed: number | undefined,
): PicnnLayerWeights[] {
  const widths = [...hiddenUnits, units];
  const uDims = [conditionDim, ...hiddenUnits];
  let k = 0;
  const glorot = () => tf.initializers.glorotUniform({ seed: subSeed(seed, k++) });
  return widths.map((out, i) => {
    const uDim = uDims[i]!;
    const prev = i > 0 ? widths[i - 1]! : 0;
    const last = i === widths.length - 1;
    return {
      hiddenRaw: i > 0 ? addWeight(`hidden_raw_${i}`, [prev, out], nonNegativeInitializer(prev, subSeed(seed, k++))) : undefined,
      hiddenGateKernel: i > 0 ? addWeight(`hidden_gate_kernel_${i}`, [uDim, prev], glorot()) : undefined,
      // Gates start open (bias 1) so the network starts close to a plain ICNN.
      hiddenGateBias: i > 0 ? addWeight(`hidden_gate_bias_${i}`, [prev], tf.initializers.ones()) : undefined,
      inputKernel: addWeight(`input_kernel_${i}`, [inputDim, out], glorot()),
      inputGateKernel: addWeight(`input_gate_kernel_${i}`, [uDim, inputDim], glorot()),
      inputGateBias: addWeight(`input_gate_bias_${i}`, [inputDim], tf.initializers.ones()),
      conditionKernel: addWeight(`condition_kernel_${i}`, [uDim, out], glorot()),
      bias: addWeight(`bias_${i}`, [out], tf.initializers.zeros()),
      pathKernel: last ? undefined : addWeight(`path_kernel_${i}`, [uDim, widths[i]!], glorot()),
      pathBias: last ? undefined : addWeight(`path_bias_${i}`, [widths[i]!], tf.initializers.zeros()),
    };
  });
}

function affine(u: tf.Tensor2D, kernel: tf.LayerVariable, bias: tf.LayerVariable): tf.Tensor2D {
  return tf.add(tf.matMul(u, kernel.read() as tf.Tensor2D), bias.read()) as tf.Tensor2D;
}

/**
 * Forward pass of a partially input-convex network (Amos, Xu & Kolter 2017,
 * eq. 3), convex in x for any weights and arbitrary in the condition y:
 *
 *   u_0 = y,   u_{i+1} = gc(u_i W~_i + b~_i)
 *   z_{i+1} = g( (z_i o [u_i W^(zu)_i + b^(z)_i]_+) softplus(U_i)
 *                + (x o (u_i W^(yu)_i + b^(y)_i)) W^(y)_i + u_i W^(u)_i + b_i )
 *
 * (o is the elementwise product; the first layer has no z term and the output
 * layer no g). Each z-term is a non-negative combination of convex functions
 * of x, the x-term is affine in x, so convexity in x holds layer by layer.
 */
export function picnnForward(
  layers: readonly PicnnLayerWeights[],
  x: tf.Tensor2D,
  y: tf.Tensor2D,
  activation: ConvexActivation,
  conditionActivation: ConditionActivation,
  rehuWidth: number,
): tf.Tensor2D {
  return tf.tidy(() => {
    let z: tf.Tensor2D | undefined;
    let u = y;
    layers.forEach((w, i) => {
      const xGated = tf.mul(x, affine(u, w.inputGateKernel, w.inputGateBias)) as tf.Tensor2D;
      let pre = tf.add(tf.matMul(xGated, w.inputKernel.read() as tf.Tensor2D), affine(u, w.conditionKernel, w.bias)) as tf.Tensor2D;
      if (z !== undefined && w.hiddenRaw && w.hiddenGateKernel && w.hiddenGateBias) {
        const gate = tf.relu(affine(u, w.hiddenGateKernel, w.hiddenGateBias));
        pre = tf.add(pre, tf.matMul(tf.mul(z, gate) as tf.Tensor2D, tf.softplus(w.hiddenRaw.read()) as tf.Tensor2D));
      }
      const last = i === layers.length - 1;
      z = last ? pre : applyConvexActivation(pre, activation, rehuWidth);
      if (!last && w.pathKernel && w.pathBias) u = applyConditionActivation(affine(u, w.pathKernel, w.pathBias), conditionActivation);
    });
    return z!;
  });
}
