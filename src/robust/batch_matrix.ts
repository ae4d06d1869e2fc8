/**
 * Small tf helpers for matrices that are either shared by the whole batch
 * ([m, n], e.g. a layer's kernel) or held per example ([B, m, n], after a
 * ReLU scaled its columns by the example's own slopes). Keeping the shared
 * form until a ReLU forces a copy saves B-fold memory on the first layer.
 */
import * as tf from '@tensorflow/tfjs';

export type BatchMatrix = tf.Tensor2D | tf.Tensor3D;

/** M ⊙ d[:, None, :]: scales column j of example b's matrix by d[b, j]. Always per example. */
export function scaleColumns(m: BatchMatrix, d: tf.Tensor2D): tf.Tensor3D {
  const scale = d.expandDims(1) as tf.Tensor3D;
  return (m.rank === 2 ? tf.mul(m.expandDims(0), scale) : tf.mul(m, scale)) as tf.Tensor3D;
}

/** M K for each example, with K [n, p] shared: one [B·m, n] x [n, p] product. */
export function multiplyRight(m: BatchMatrix, k: tf.Tensor2D): BatchMatrix {
  if (m.rank === 2) return tf.matMul(m as tf.Tensor2D, k);
  const [b, rows, cols] = m.shape as [number, number, number];
  return tf.reshape(tf.matMul(tf.reshape(m, [b * rows, cols]) as tf.Tensor2D, k), [b, rows, k.shape[1]]) as tf.Tensor3D;
}

/** D_b K for each example: row i of the shared K [n, p] scaled by d[b, i]. */
export function scaleRows(k: tf.Tensor2D, d: tf.Tensor2D): tf.Tensor3D {
  return tf.mul(k.expandDims(0), d.expandDims(2)) as tf.Tensor3D;
}

/**
 * K M_b for each example with K [m, n] shared: one [m, n] x [n, B·p]
 * product (tfjs's broadcasting batch matMul has no gradient for the
 * broadcast operand, so the batch is folded into the columns instead).
 */
export function multiplyLeft(k: tf.Tensor2D, m: BatchMatrix): BatchMatrix {
  if (m.rank === 2) return tf.matMul(k, m as tf.Tensor2D);
  const [b, n, p] = m.shape as [number, number, number];
  const columns = tf.reshape(tf.transpose(m, [1, 0, 2]), [n, b * p]) as tf.Tensor2D;
  return tf.transpose(tf.reshape(tf.matMul(k, columns), [k.shape[0], b, p]), [1, 0, 2]) as tf.Tensor3D;
}

/** Σ_i w[b, i] M_b[i, :] for each example b: [B, n]. */
export function weightedRowSum(w: tf.Tensor2D, m: BatchMatrix): tf.Tensor2D {
  if (m.rank === 2) return tf.matMul(w, m as tf.Tensor2D);
  return tf.squeeze(tf.matMul(w.expandDims(1) as tf.Tensor3D, m as tf.Tensor3D), [1]) as tf.Tensor2D;
}

/** Column `labels[b]` of example b's matrix minus every column: M_b[:, y_b] 1ᵀ − M_b, i.e. M_b (e_y 1ᵀ − I). Per example. */
export function marginColumns(m: BatchMatrix, oneHot: tf.Tensor2D): tf.Tensor3D {
  const full = (m.rank === 2 ? tf.tile(m.expandDims(0), [oneHot.shape[0], 1, 1]) : m) as tf.Tensor3D;
  const labelColumn = tf.sum(tf.mul(full, oneHot.expandDims(1)), 2, true);
  return tf.sub(labelColumn, full) as tf.Tensor3D;
}
