/**
 * The products the tf dual network needs from one affine step z ↦ z K + b,
 * for both layouts. A dense step holds K itself; a conv step never stores K
 * for the big products: M K (each row of M through the layer) is a conv2d
 * of the rows seen as images, and K M (the adjoint, used to bring the
 * first layer's factor back to the input) is a conv2dTranspose. Only the
 * maps that are matrices by nature (a ReLU's slacks enter the next layer
 * with coefficient K) form K, as the conv of the identity images — still
 * plain tf ops, so autodiff reaches the filter.
 */
import * as tf from '@tensorflow/tfjs';
import { type BatchMatrix, multiplyLeft, multiplyRight } from './batch_matrix.js';
import { conv2dOp, conv2dTransposeOp } from './conv_ops.js';
import { type LinearStep, stepSizes } from './relu_network.js';

/** One affine step seen through the products the dual network uses. */
export interface LinearOp {
  readonly nIn: number;
  readonly nOut: number;
  /** x K + b for rows x: [N, nIn] → [N, nOut]. */
  readonly affine: (x: tf.Tensor2D) => tf.Tensor2D;
  /** M K for each example. */
  readonly right: (m: BatchMatrix) => BatchMatrix;
  /** K M for each example (M has nOut rows). */
  readonly left: (m: BatchMatrix) => BatchMatrix;
  /** K itself, [nIn, nOut] (formed once, on first use). */
  readonly matrix: () => tf.Tensor2D;
}

function denseOp(kernel: tf.Tensor2D, bias: tf.Tensor1D | null): LinearOp {
  return {
    nIn: kernel.shape[0],
    nOut: kernel.shape[1],
    affine: (x) => {
      const z = tf.matMul(x, kernel) as tf.Tensor2D;
      return bias ? (tf.add(z, bias) as tf.Tensor2D) : z;
    },
    right: (m) => multiplyRight(m, kernel),
    left: (m) => multiplyLeft(kernel, m),
    matrix: () => kernel,
  };
}

/** Rows of a [N, n] or [B, N, n] batch matrix as one [B·N, n] stack, and back. */
function asRows(m: BatchMatrix): { rows: tf.Tensor2D; restore: (r: tf.Tensor2D) => BatchMatrix } {
  if (m.rank === 2) return { rows: m as tf.Tensor2D, restore: (r) => r };
  const [b, n, width] = m.shape as [number, number, number];
  return { rows: tf.reshape(m, [b * n, width]) as tf.Tensor2D, restore: (r) => tf.reshape(r, [b, n, r.shape[1]]) as tf.Tensor3D };
}

function convOp(step: Extract<LinearStep, { kind: 'conv' }>): LinearOp {
  const { nIn, nOut } = stepSizes(step);
  const { inShape, outShape } = step.geometry;
  // z K on the flattened rows: reshape to images, convolve (the cross-correlation tfjs's layer computes), flatten.
  const convRows = (x: tf.Tensor2D): tf.Tensor2D => {
    const images = tf.reshape(x, [x.shape[0], ...inShape]) as tf.Tensor4D;
    return tf.reshape(conv2dOp(images, step.filter, step.geometry), [x.shape[0], nOut]) as tf.Tensor2D;
  };
  // y Kᵀ on the rows: the adjoint of the conv is its transpose (the gradient of conv2d w.r.t. its input).
  const adjointRows = (y: tf.Tensor2D): tf.Tensor2D => {
    const n = y.shape[0];
    const images = tf.reshape(y, [n, ...outShape]) as tf.Tensor4D;
    const back = conv2dTransposeOp(images, step.filter, step.geometry);
    return tf.reshape(back, [n, nIn]) as tf.Tensor2D;
  };
  let matrix: tf.Tensor2D | null = null;
  return {
    nIn,
    nOut,
    affine: (x) => {
      const z = convRows(x);
      if (!step.bias) return z;
      // Channels last: the bias of filter f repeats at every pixel.
      return tf.reshape(tf.add(tf.reshape(z, [x.shape[0], outShape[0] * outShape[1], outShape[2]]), step.bias), [x.shape[0], nOut]) as tf.Tensor2D;
    },
    right: (m) => {
      const { rows, restore } = asRows(m);
      return restore(convRows(rows));
    },
    left: (m) => {
      // K M = (Mᵀ Kᵀ)ᵀ per example: the adjoint applied to the columns of M.
      if (m.rank === 2) return tf.transpose(adjointRows(tf.transpose(m) as tf.Tensor2D)) as tf.Tensor2D;
      const [b, , p] = m.shape as [number, number, number];
      const columns = tf.reshape(tf.transpose(m, [0, 2, 1]), [b * p, nOut]) as tf.Tensor2D;
      return tf.transpose(tf.reshape(adjointRows(columns), [b, p, nIn]), [0, 2, 1]) as tf.Tensor3D;
    },
    matrix: () => (matrix ??= convRows(tf.eye(nIn) as tf.Tensor2D)),
  };
}

/** The products of one affine step (dense: exactly the batch_matrix helpers on its kernel). */
export function linearOp(step: LinearStep): LinearOp {
  return step.kind === 'affine' ? denseOp(step.kernel, step.bias) : convOp(step);
}
