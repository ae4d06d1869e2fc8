import * as tf from '@tensorflow/tfjs';
import { OptlayersError, ShapeError } from '../../solvers/errors.js';

/** A cell as a plain function f(z, x) -> z' on [batch, units] and [batch, inputDim]. */
export type DeqCellFn = (z: tf.Tensor2D, x: tf.Tensor2D) => tf.Tensor2D;

/** How a tfjs layer cell receives (z, x): one tensor concat([z, x], -1), or the list [z, x]. */
export type DeqCellInput = 'concat' | 'list';

/**
 * The uniform view of a DEQ cell used by the solvers: evaluation, and the
 * trainable tensors it reads (passed to `tf.customGrad` as explicit inputs so
 * that `tf.variableGrads`, optimizers and `model.fit` see their gradients).
 */
export interface DeqCell {
  /** f(z, x): the next iterate for state z [batch, units] and input x [batch, features]. */
  apply(z: tf.Tensor2D, x: tf.Tensor2D): tf.Tensor2D;
  /** Trainable tensors (tf.Variables) that `apply` reads, in a fixed order. */
  variables(): tf.Tensor[];
}

/** Wraps a function cell that reads the given trainable variables. */
export function cellFromFunction(fn: DeqCellFn, variables: readonly tf.Variable[] = []): DeqCell {
  return {
    apply: (z, x) => checkCellOutput(callUserCell(() => fn(z, x), z, x), z),
    variables: () => variables.filter((v) => v.trainable),
  };
}

/**
 * Wraps a tfjs layer or model as a cell: f(z, x) = layer(concat([z, x], -1))
 * (`input = 'concat'`, the default) or layer([z, x]) (`'list'`, for
 * multi-input models). The layer must already be built when `variables()` is read.
 */
export function cellFromLayer(layer: tf.layers.Layer, input: DeqCellInput = 'concat'): DeqCell {
  return {
    apply: (z, x) => {
      const out = input === 'concat' ? layer.apply(tf.concat([z, x], 1)) : layer.apply([z, x]);
      if (Array.isArray(out) || !(out instanceof tf.Tensor)) {
        throw new ShapeError(`DEQ cell layer '${layer.name}' must return one tensor, got ${Array.isArray(out) ? `${out.length} outputs` : 'a symbolic tensor'}`);
      }
      return checkCellOutput(out as tf.Tensor2D, z);
    },
    variables: () => layer.trainableWeights.map((w) => w.read()),
  };
}

/** True for tfjs layers (and models). */
export function isLayer(x: unknown): x is tf.layers.Layer {
  return x instanceof tf.layers.Layer;
}

/** Normalizes any accepted cell form to a `DeqCell`. */
export function toDeqCell(cell: DeqCell | DeqCellFn | tf.layers.Layer, variables: readonly tf.Variable[] = []): DeqCell {
  if (isLayer(cell)) return cellFromLayer(cell);
  if (typeof cell === 'function') return cellFromFunction(cell, variables);
  return cell;
}

function checkCellOutput(out: tf.Tensor2D, z: tf.Tensor2D): tf.Tensor2D {
  if (out.rank !== 2 || out.shape[0] !== z.shape[0] || out.shape[1] !== z.shape[1]) {
    throw new ShapeError(`DEQ cell must map z of shape [${z.shape.join(', ')}] to the same shape, got [${out.shape.join(', ')}]`);
  }
  return out;
}

/**
 * Runs a user-written cell function. A tfjs error thrown inside it (almost
 * always z/x widths that do not fit the cell, e.g. `units` differing from the
 * input width in f(z, x) = g(z) + x) becomes a `ShapeError` naming both shapes,
 * so misuse never surfaces as an untyped backend error.
 */
export function callUserCell(run: () => tf.Tensor2D, z: tf.Tensor2D, x: tf.Tensor2D): tf.Tensor2D {
  try {
    return run();
  } catch (err) {
    if (err instanceof OptlayersError) throw err;
    const message = err instanceof Error ? err.message : String(err);
    throw new ShapeError(`DEQ cell f(z, x) failed on z of shape [${z.shape.join(', ')}] and x of shape [${x.shape.join(', ')}]: ${message}`);
  }
}

/** `checkCellOutput` for callers outside this file (the DEQLayer's function cells). */
export function checkedCellOutput(out: tf.Tensor2D, z: tf.Tensor2D): tf.Tensor2D {
  return checkCellOutput(out, z);
}
