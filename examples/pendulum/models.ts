import * as tf from '@tensorflow/tfjs';
import { StableDynamics, stableDynamics, type ConvexActivation, type LyapunovCentering } from 'optlayers';
import type { VectorField } from './model_rollout.js';
import type { StateScaling } from './training_data.js';
import type { NormalizedModel } from './training.js';

/** Architecture and Lyapunov options shared by the example's two models. */
export interface ModelOptions {
  readonly dim: number;
  readonly hidden: number;
  readonly seed: number;
  readonly alpha: number;
  readonly rehuWidth: number;
  readonly eps: number;
  readonly centering: LyapunovCentering;
  readonly lyapunovActivation: ConvexActivation;
  readonly centerNominal: boolean;
}

/** The plain baseline: an MLP (tanh, two hidden layers) predicting zdot / c. */
export function plainNetwork(o: ModelOptions): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.dense({ units: o.hidden, activation: 'tanh', inputShape: [o.dim], kernelInitializer: tf.initializers.glorotUniform({ seed: o.seed }) }),
      tf.layers.dense({ units: o.hidden, activation: 'tanh', kernelInitializer: tf.initializers.glorotUniform({ seed: o.seed + 1 }) }),
      tf.layers.dense({ units: o.dim, kernelInitializer: tf.initializers.glorotUniform({ seed: o.seed + 2 }) }),
    ],
  });
}

/** The stable model: `StableDynamics` with the same nominal MLP and an ICNN Lyapunov function. */
export function stableModel(o: ModelOptions): StableDynamics {
  const layer = stableDynamics({
    alpha: o.alpha,
    seed: o.seed,
    centerNominal: o.centerNominal,
    nominalUnits: [o.hidden, o.hidden],
    nominalActivation: 'tanh',
    lyapunovArgs: { hiddenUnits: [o.hidden, o.hidden], rehuWidth: o.rehuWidth, eps: o.eps, centering: o.centering, activation: o.lyapunovActivation },
  });
  layer.build([null, o.dim]);
  return layer;
}

/** The trainable variables of a layer or model. */
export function variablesOf(layer: tf.layers.Layer): tf.Variable[] {
  return layer.trainableWeights.map((w) => w.read() as tf.Variable);
}

/** xdot = c s o m(x / s): the model of normalized dynamics as a field of original states. */
export function denormalizedField(model: NormalizedModel, scaling: StateScaling): VectorField {
  const s = tf.keep(tf.tensor2d(scaling.state, [1, scaling.state.length]));
  const cs = tf.keep(tf.mul(s, scaling.time));
  return (x) => tf.tidy(() => tf.mul(model(tf.div(x, s) as tf.Tensor2D), cs) as tf.Tensor2D);
}
