import * as tf from '@tensorflow/tfjs';
import { ShapeError, ValueError } from '../../../solvers/errors.js';
import { checkFloatTensor } from '../../options_check.js';

/** An elementwise interval [lo, hi] of a batch, both [batch, width] (a type alias, so `tf.tidy` can return it). */
export type IntervalBatch = {
  readonly lo: tf.Tensor2D;
  readonly hi: tf.Tensor2D;
};

/** Domain of the inputs the box is clipped to (pixels: [0, 1]); `undefined` = no clipping. */
export interface InputDomain {
  readonly min: number;
  readonly max: number;
}

/**
 * The l_inf ball of radius epsilon around x, intersected with the input
 * domain: [max(x - eps, min), min(x + eps, max)]. Clipping keeps the box to
 * inputs that can occur, which tightens the bounds and is the threat model
 * of Gowal et al. (2019) for images.
 */
export function linfBox(x: tf.Tensor2D, epsilon: number, domain?: InputDomain): IntervalBatch {
  checkFloatTensor(x, 'linfBox: x');
  if (!(Number.isFinite(epsilon) && epsilon >= 0)) throw new ValueError(`linfBox: epsilon must be a finite number >= 0, got ${epsilon}`);
  if (domain !== undefined && !(domain.min <= domain.max)) throw new ValueError(`linfBox: domain.min must be <= domain.max, got [${domain.min}, ${domain.max}]`);
  return tf.tidy(() => {
    let lo = tf.sub(x, epsilon);
    let hi = tf.add(x, epsilon);
    if (domain !== undefined) {
      lo = tf.clipByValue(lo, domain.min, domain.max);
      hi = tf.clipByValue(hi, domain.min, domain.max);
    }
    return { lo: lo as tf.Tensor2D, hi: hi as tf.Tensor2D };
  });
}

/**
 * Exact elementwise interval of the affine map y = x K + c over the box
 * [lo, hi] (Gowal et al. 2019, eq. 6): y_mid = x_mid K + c, y_rad = x_rad |K|.
 * Kernel K is [in, out] (row convention, as tf.layers.dense).
 */
export function intervalAffine(box: IntervalBatch, kernel: tf.Tensor2D, bias?: tf.Tensor1D): IntervalBatch {
  if (box.lo.shape[1] !== kernel.shape[0]) throw new ShapeError(`intervalAffine: box width ${box.lo.shape[1]} does not match kernel [${kernel.shape}]`);
  return tf.tidy(() => {
    const mid = tf.div(tf.add(box.lo, box.hi), 2);
    const rad = tf.div(tf.sub(box.hi, box.lo), 2);
    let yMid = tf.matMul(mid, kernel);
    if (bias !== undefined) yMid = tf.add(yMid, bias);
    const yRad = tf.matMul(rad, tf.abs(kernel));
    return { lo: tf.sub(yMid, yRad) as tf.Tensor2D, hi: tf.add(yMid, yRad) as tf.Tensor2D };
  });
}

/** Interval of relu(y) for y in [lo, hi] (relu is monotone). */
export function intervalRelu(box: IntervalBatch): IntervalBatch {
  return tf.tidy(() => ({ lo: tf.relu(box.lo) as tf.Tensor2D, hi: tf.relu(box.hi) as tf.Tensor2D }));
}

/**
 * Lower bounds on the margins y_t - y_j of a final affine layer y = z K + c
 * over the box z in [zLo, zHi], t the true label: the specification
 * c_j = e_t - e_j applied before interval arithmetic (as in CROWN-IBP,
 * Zhang et al. 2020), so the bound is exact for the affine layer:
 *   lower_j = (K_t - K_j) . z_mid + c_t - c_j - |K_t - K_j| . z_rad,
 * with lower_t = 0. Tighter than subtracting elementwise logit intervals.
 * Returns [batch, classes]; a sample is certified when every lower_j, j != t, is > 0.
 */
export function marginLowerBounds(box: IntervalBatch, kernel: tf.Tensor2D, bias: tf.Tensor1D | undefined, labels: tf.Tensor1D): tf.Tensor2D {
  const [batch, width] = box.lo.shape;
  const classes = kernel.shape[1];
  if (kernel.shape[0] !== width) throw new ShapeError(`marginLowerBounds: box width ${width} does not match kernel [${kernel.shape}]`);
  if (labels.rank !== 1 || labels.shape[0] !== batch) throw new ShapeError(`marginLowerBounds: labels must be [${batch}], got [${labels.shape}]`);
  if (labels.dtype !== 'int32') throw new ValueError(`marginLowerBounds: labels must be int32, got ${labels.dtype}`);
  return tf.tidy(() => {
    const mid = tf.div(tf.add(box.lo, box.hi), 2);
    const rad = tf.div(tf.sub(box.hi, box.lo), 2);
    const oneHot = tf.oneHot(labels, classes).toFloat();
    let yMid = tf.matMul(mid, kernel);
    if (bias !== undefined) yMid = tf.add(yMid, bias);
    const yTrue = tf.sum(tf.mul(yMid, oneHot), 1, true);
    const centre = tf.sub(yTrue, yMid);
    // K_t per sample: [batch, width]; then |K_t - K_j| for every j: [batch, width, classes].
    const kTrue = tf.matMul(oneHot, kernel, false, true);
    const diff = tf.abs(tf.sub(tf.expandDims(kTrue, 2), tf.expandDims(kernel, 0)));
    const radius = tf.squeeze(tf.matMul(tf.expandDims(rad, 1), diff), [1]);
    return tf.sub(centre, radius) as tf.Tensor2D;
  });
}
