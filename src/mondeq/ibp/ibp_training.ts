import * as tf from '@tensorflow/tfjs';
import { ValueError } from '../../../solvers/errors.js';
import { rejectUnknownKeys } from '../../options_check.js';

/**
 * IBP robust loss (Gowal et al. 2019, eq. 9, with the margin specification):
 * cross-entropy on the worst-case logits -lower, where lower = margin lower
 * bounds from `marginLowerBounds` (the true class's entry is 0). Mean over
 * the batch. Labels int32 [batch].
 */
export function ibpRobustLoss(marginLower: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => tf.losses.softmaxCrossEntropy(tf.oneHot(labels, marginLower.shape[1]), tf.neg(marginLower)) as tf.Scalar);
}

/**
 * The IBP training objective kappa * CE(clean logits) + (1 - kappa) * CE(worst-case
 * logits) (Gowal et al. 2019, eq. 12).
 */
export function mixedIbpLoss(cleanLogits: tf.Tensor2D, marginLower: tf.Tensor2D, labels: tf.Tensor1D, kappa: number): tf.Scalar {
  if (!(kappa >= 0 && kappa <= 1)) throw new ValueError(`mixedIbpLoss: kappa must be in [0, 1], got ${kappa}`);
  return tf.tidy(() => {
    const clean = tf.losses.softmaxCrossEntropy(tf.oneHot(labels, cleanLogits.shape[1]), cleanLogits);
    if (kappa === 1) return clean as tf.Scalar;
    return tf.add(tf.mul(clean, kappa), tf.mul(ibpRobustLoss(marginLower, labels), 1 - kappa)) as tf.Scalar;
  });
}

/** Options of `ibpSchedule` (all in optimizer steps). */
export interface IbpScheduleOptions {
  /** Training epsilon reached at the end of the ramp. */
  epsilon: number;
  /** Steps of clean training (epsilon 0, kappa 1) before the ramp. Default 0. */
  warmupSteps?: number;
  /** Steps over which epsilon grows linearly 0 -> epsilon and kappa 1 -> kappaFinal. */
  rampSteps: number;
  /** Final weight of the clean loss. Default 0.5 (Gowal et al. 2019). */
  kappaFinal?: number;
}

/** Epsilon and kappa at one step. */
export interface IbpScheduleValue {
  readonly epsilon: number;
  readonly kappa: number;
}

/**
 * The epsilon / kappa schedule of IBP training (Gowal et al. 2019, section 5):
 * clean warm-up, then a linear ramp of epsilon from 0 to its target while
 * kappa falls from 1 to kappaFinal, then both held.
 */
export function ibpSchedule(step: number, options: IbpScheduleOptions): IbpScheduleValue {
  rejectUnknownKeys(options, ['epsilon', 'warmupSteps', 'rampSteps', 'kappaFinal'], 'ibpSchedule option');
  const { epsilon, rampSteps } = options;
  const warmup = options.warmupSteps ?? 0;
  const kappaFinal = options.kappaFinal ?? 0.5;
  if (!(Number.isFinite(epsilon) && epsilon >= 0)) throw new ValueError(`ibpSchedule: epsilon must be >= 0, got ${epsilon}`);
  if (!(Number.isInteger(rampSteps) && rampSteps >= 0)) throw new ValueError(`ibpSchedule: rampSteps must be an integer >= 0, got ${rampSteps}`);
  if (!(Number.isInteger(warmup) && warmup >= 0)) throw new ValueError(`ibpSchedule: warmupSteps must be an integer >= 0, got ${warmup}`);
  if (!(kappaFinal >= 0 && kappaFinal <= 1)) throw new ValueError(`ibpSchedule: kappaFinal must be in [0, 1], got ${kappaFinal}`);
  if (!(Number.isFinite(step) && step >= 0)) throw new ValueError(`ibpSchedule: step must be >= 0, got ${step}`);
  if (step < warmup) return { epsilon: 0, kappa: 1 };
  const t = rampSteps === 0 ? 1 : Math.min(1, (step - warmup) / rampSteps);
  return { epsilon: t * epsilon, kappa: 1 - t * (1 - kappaFinal) };
}
