/**
 * Projected gradient descent attack in the ℓ∞ ball (Madry et al., "Towards
 * deep learning models resistant to adversarial attacks", ICLR 2018): repeat
 *     x' ← Π_{B∞(x, ε) ∩ box}( x' + η · sign ∇_{x'} CE(f(x'), y) ).
 * An attack only gives an upper bound on robust error (a lower bound on what
 * an adversary can do); `certify` gives the matching guarantee from below.
 */
import * as tf from '@tensorflow/tfjs';
import { ShapeError, ValueError } from '../../solvers/errors.js';
import { checkIntegerInRange, rejectUnknownKeys } from '../options_check.js';
import { type LabelsLike, checkEpsilon, checkInputBox, readLabels } from './robust_inputs.js';

/** Options of `pgdAttack`. */
export interface PgdOptions {
  /** Gradient steps. Default 40. */
  readonly steps?: number;
  /** Step length η per coordinate. Default 0.01. */
  readonly stepSize?: number;
  /** Valid inputs (e.g. [0, 1]): iterates are projected onto ball ∩ box. Default none. */
  readonly inputBox?: readonly [number, number];
  /** Start from a uniform random point of the ball instead of x. Default false. */
  readonly randomStart?: boolean;
  /** Seed of the random start. Default 0. */
  readonly seed?: number;
}

/** The result of `pgdAttack`. */
export interface PgdResult {
  /** Shape like x: per example, the first iterate the model misclassified, else the last iterate. Caller disposes. */
  readonly adversarial: tf.Tensor;
  /** Per example: the model misclassified some iterate (argmax f ≠ y). */
  readonly fooled: boolean[];
}

const PGD_KEYS = ['steps', 'stepSize', 'inputBox', 'randomStart', 'seed'];

/**
 * Attacks `model` (which must output logits, [B, classes]) at `x` with
 * labels `y`. Every iterate stays in the ball (and box): the projection is
 * an elementwise clip, applied after each step.
 */
export function pgdAttack(model: tf.LayersModel, x: tf.Tensor, y: LabelsLike, epsilon: number, options: PgdOptions = {}): PgdResult {
  rejectUnknownKeys(options, PGD_KEYS, 'pgdAttack options');
  const eps = checkEpsilon(epsilon);
  const steps = checkIntegerInRange(options.steps ?? 40, 0, 100_000, 'pgdAttack options.steps');
  const stepSize = checkEpsilon(options.stepSize ?? 0.01, 'pgdAttack options.stepSize');
  const box = checkInputBox(options.inputBox);
  if (!(x instanceof tf.Tensor) || x.rank < 2) throw new ShapeError(`x must be a tensor [B, ...inputShape], got ${x instanceof tf.Tensor ? `shape [${x.shape.join(', ')}]` : typeof x}`);
  const batch = x.shape[0]!;
  const probe = tf.tidy(() => model.apply(tf.slice(x, 0, 1)) as tf.Tensor);
  const classes = probe.shape[probe.rank - 1]!;
  probe.dispose();
  const labels = readLabels(y, batch, classes);
  const seed = options.seed ?? 0;
  if (!Number.isInteger(seed)) throw new ValueError(`pgdAttack options.seed must be an integer, got ${String(seed)}`);

  const oneHot = tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), classes));
  const lo = tf.tidy(() => (box ? tf.maximum(tf.sub(x, eps), box[0]) : tf.sub(x, eps)));
  const hi = tf.tidy(() => (box ? tf.minimum(tf.add(x, eps), box[1]) : tf.add(x, eps)));
  const project = (z: tf.Tensor): tf.Tensor => tf.minimum(tf.maximum(z, lo), hi);
  const lossOf = (z: tf.Tensor): tf.Scalar => tf.losses.softmaxCrossEntropy(oneHot, model.apply(z) as tf.Tensor, undefined, undefined, tf.Reduction.SUM);
  const gradient = tf.grad(lossOf);
  const wrong = (z: tf.Tensor): tf.Tensor => tf.tidy(() => tf.notEqual(tf.argMax(model.apply(z) as tf.Tensor, -1), tf.tensor1d(labels, 'int32')));
  const rowMask = (mask: tf.Tensor): tf.Tensor => tf.reshape(mask, [batch, ...x.shape.slice(1).map(() => 1)]);

  let current = tf.tidy(() => (options.randomStart ? project(tf.add(x, tf.randomUniform(x.shape, -eps, eps, 'float32', seed))) : tf.clone(x)));
  let best = tf.clone(current);
  let fooled = wrong(current);
  for (let step = 0; step < steps; step++) {
    const next = tf.tidy(() => project(tf.add(current, tf.mul(stepSize, tf.sign(gradient(current))))));
    const nowWrong = wrong(next);
    // Keep the first misclassified iterate of each example: a later step may walk back across the boundary.
    const firstTime = tf.tidy(() => tf.logicalAnd(nowWrong, tf.logicalNot(fooled)));
    const nextBest = tf.tidy(() => tf.where(rowMask(firstTime), next, best));
    const nextFooled = tf.logicalOr(fooled, nowWrong);
    tf.dispose([current, best, fooled, nowWrong, firstTime]);
    current = next;
    best = nextBest;
    fooled = nextFooled;
  }
  const stillCorrect = tf.tidy(() => rowMask(tf.logicalNot(fooled)));
  const adversarial = tf.where(stillCorrect, current, best);
  const fooledFlags = Array.from(fooled.dataSync(), (v) => v !== 0);
  tf.dispose([oneHot, lo, hi, current, best, fooled, stillCorrect]);
  return { adversarial, fooled: fooledFlags };
}
