import * as tf from '@tensorflow/tfjs';
import { qp } from 'optlayers';

export interface QpReadout {
  /** The batch of points projected. */
  readonly x: number[][];
  /** z*(x) = argmin 1/2 |z - x|^2 s.t. z >= 0, 1'z = 1, per row. */
  readonly z: number[][];
  /** d/dx of sum_rows |z*(x) - e1|^2 (implicit differentiation of the KKT conditions, OptNet). */
  readonly grad: number[][];
}

/** A batched OptNet `qp()` solve and backward pass: Q = I, p = -x, G = -I, h = 0, A = 1', b = 1. */
export function qpSimplexProjection(points: number[][]): QpReadout {
  return tf.tidy(() => {
    const n = points[0]!.length;
    const x = tf.tensor2d(points);
    const project = (xs: tf.Tensor) => qp(tf.eye(n), tf.neg(xs), tf.neg(tf.eye(n)), tf.zeros([n]), tf.ones([1, n]), tf.ones([1]));
    const target = tf.oneHot(tf.tensor1d([0], 'int32'), n).toFloat();
    const grad = tf.grad((xs: tf.Tensor) => tf.sum(tf.square(tf.sub(project(xs), target))))(x);
    return { x: points, z: project(x).arraySync() as number[][], grad: grad.arraySync() as number[][] };
  });
}
