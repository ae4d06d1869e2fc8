/**
 * Validation shared by `certify`, `robustLoss` and `pgdAttack`: epsilon,
 * the input batch against the model's input shape, labels, and the
 * optional input box. Misuse throws at once, naming the argument.
 */
import * as tf from '@tensorflow/tfjs';
import { ShapeError, ValueError } from '../../solvers/errors.js';
import { rejectUnknownKeys } from '../options_check.js';

/** Labels as a JS array, an Int32Array, or an int/float tf tensor of shape [B]. */
export type LabelsLike = readonly number[] | Int32Array | tf.Tensor1D;

/** Throws `ValueError` unless epsilon is a finite number ≥ 0. */
export function checkEpsilon(epsilon: unknown, what = 'epsilon'): number {
  if (typeof epsilon !== 'number' || !Number.isFinite(epsilon) || epsilon < 0) {
    throw new ValueError(`${what} must be a finite number >= 0, got ${String(epsilon)}`);
  }
  return epsilon;
}

/** Throws `ValueError` unless `box` is undefined/null or a pair lo < hi of finite numbers. */
export function checkInputBox(box: unknown): readonly [number, number] | null {
  if (box === undefined || box === null) return null;
  if (!Array.isArray(box) || box.length !== 2 || !box.every((v) => typeof v === 'number' && Number.isFinite(v)) || !(box[0] < box[1])) {
    throw new ValueError(`inputBox must be [lo, hi] with finite lo < hi, got ${JSON.stringify(box)}`);
  }
  return [box[0], box[1]];
}

/**
 * Checks x is a float tensor of shape [B, ...inputShape] with finite entries
 * (and inside `box` when given: otherwise the region would be empty) and
 * returns it flattened to [B, inputSize]. The caller owns the result (tidy).
 */
export function flattenInput(x: unknown, inputShape: readonly number[], box: readonly [number, number] | null): tf.Tensor2D {
  if (!(x instanceof tf.Tensor)) throw new ValueError(`x must be a tf.Tensor, got ${typeof x}`);
  const expected = inputShape.join(', ');
  if (x.rank !== inputShape.length + 1 || x.shape.slice(1).some((d: number, i: number) => d !== inputShape[i]) || x.shape[0] === 0) {
    throw new ShapeError(`x must have shape [B, ${expected}] with B >= 1 (the model's input shape), got [${x.shape.join(', ')}]`);
  }
  if (x.dtype !== 'float32') throw new ValueError(`x must be float32, got ${x.dtype}`);
  const values = x.dataSync();
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) throw new ValueError(`x has a non-finite entry ${v} at flat index ${i}`);
    if (box && (v < box[0] || v > box[1])) throw new ValueError(`x has entry ${v} at flat index ${i} outside inputBox [${box[0]}, ${box[1]}]`);
  }
  return tf.reshape(x, [x.shape[0], -1]) as tf.Tensor2D;
}

/** Reads labels as integers in [0, classes), exactly `batch` of them. */
export function readLabels(labels: unknown, batch: number, classes: number): Int32Array {
  let values: ArrayLike<number>;
  if (labels instanceof tf.Tensor) {
    if (labels.rank !== 1) throw new ShapeError(`labels must be a rank-1 tensor [B], got shape [${labels.shape.join(', ')}]`);
    values = labels.dataSync();
  } else if (Array.isArray(labels) || labels instanceof Int32Array) {
    values = labels as ArrayLike<number>;
  } else {
    throw new ValueError(`labels must be a number[], Int32Array or rank-1 tensor, got ${typeof labels}`);
  }
  if (values.length !== batch) throw new ShapeError(`labels has ${values.length} entries but x has batch size ${batch}`);
  const out = new Int32Array(batch);
  for (let i = 0; i < batch; i++) {
    const v = values[i]!;
    if (!Number.isInteger(v) || v < 0 || v >= classes) throw new ValueError(`labels[${i}] = ${v} is not a class index in [0, ${classes})`);
    out[i] = v;
  }
  return out;
}

/** Norms the dual network bounds; only ℓ∞ balls are implemented (the paper's ℓ1 dual norm term). */
export type PerturbationNorm = 'linf';

/** Options common to `certify` and `robustLoss`. */
export interface RobustOptions {
  /** The perturbation norm ball; only 'linf' (default). */
  readonly norm?: PerturbationNorm;
  /** Valid inputs, intersected with the ball: e.g. [0, 1] for pixels. Default: none (the whole ball). */
  readonly inputBox?: readonly [number, number];
}

export const ROBUST_OPTION_KEYS = ['norm', 'inputBox'] as const;

/** Resolves `norm` and `inputBox` after checking `options` has only `known` keys. */
export function resolveRobustOptions(options: RobustOptions | undefined, known: readonly string[], what: string): { norm: PerturbationNorm; inputBox: readonly [number, number] | null } {
  rejectUnknownKeys(options, known, what);
  const norm = options?.norm ?? 'linf';
  if (norm !== 'linf') throw new ValueError(`${what}: norm must be 'linf' (the only ball implemented), got ${JSON.stringify(norm)}`);
  return { norm, inputBox: checkInputBox(options?.inputBox) };
}
