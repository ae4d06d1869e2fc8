import * as tf from '@tensorflow/tfjs';
import { ShapeError, ValueError } from '../solvers/errors.js';
import { MAX_QP_ITERATIONS } from '../solvers/qp/qp_options.js';
import { SCS_MAX_ITERS_CAP } from '../solvers/scs/scs_options.js';

/**
 * The keys tfjs itself puts in a layer's arguments (`LayerArgs`) and in a
 * saved layer config; every optlayers layer accepts them besides its own.
 */
export const TFJS_LAYER_KEYS: readonly string[] = [
  'name', 'trainable', 'inputShape', 'batchInputShape', 'batchSize', 'dtype', 'weights', 'inputDType', 'customObjects',
];

/**
 * Throws a `ValueError` naming the first key of `options` that is not in
 * `known` (a typo, or a bogus saved config, must not be silently ignored).
 * `undefined`/`null` options pass; a non-object throws.
 */
export function rejectUnknownKeys(options: unknown, known: readonly string[], what: string): void {
  if (options === undefined || options === null) return;
  if (typeof options !== 'object' || Array.isArray(options)) throw new ValueError(`${what} must be an object, got ${Array.isArray(options) ? 'an array' : typeof options}`);
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw new ValueError(`unknown ${what} key '${key}' (known: ${known.join(', ')})`);
  }
}

/** Like `rejectUnknownKeys` for layer arguments: the layer's own keys plus tfjs's `LayerArgs` keys. */
export function rejectUnknownLayerKeys(args: unknown, own: readonly string[], what: string): void {
  rejectUnknownKeys(args, [...own, ...TFJS_LAYER_KEYS], what);
}

/**
 * Iteration caps a layer option (or a loaded config) may ask for. They bound
 * the work one call can do and are the solvers' own caps (one source of
 * truth): the QP interior point method's `MAX_QP_ITERATIONS` (1e4), SCS's
 * `SCS_MAX_ITERS_CAP` (1e6; its default is 1e5); a DEQ fixed-point solve past
 * 1e4 iterations is not converging either.
 */
export const ITERATION_CAPS = { qp: MAX_QP_ITERATIONS, scs: SCS_MAX_ITERS_CAP, fixedPoint: 10_000 } as const;

/**
 * Largest layer width (units, hidden units) a config may ask for, and the
 * largest number of hidden layers: bounds the weights a loaded model allocates.
 */
export const MAX_LAYER_WIDTH = 65_536;
/** Largest number of hidden layers an ICNN/PICNN/StableDynamics config may ask for (a bound on loaded configs). */
export const MAX_HIDDEN_LAYERS = 64;
/** Largest QP size (variables, inequalities, equalities) of an OptNet layer: its learned L is n x n. */
export const MAX_QP_SIZE = 10_000;

/** Throws a `ValueError` naming `what` unless `v` is an integer in [min, max]. */
export function checkIntegerInRange(v: unknown, min: number, max: number, what: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new ValueError(`${what} must be an integer in [${min}, ${max}], got ${String(v)}`);
  }
  return v;
}

/** Throws a `ValueError` naming `what` unless `v` is a tfjs tensor; returns it. */
export function checkTensor(v: unknown, what: string): tf.Tensor {
  if (!(v instanceof tf.Tensor)) {
    const kind = v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? `a ${(v as object).constructor?.name ?? 'object'}` : typeof v;
    throw new ValueError(`${what} must be a tf.Tensor, got ${kind}`);
  }
  if (v.isDisposed) throw new ValueError(`${what} is a disposed tensor`);
  return v;
}

/** Throws a `ValueError` naming `what` unless `t` is a float32 tensor (int32/bool/string/complex are misuse here). */
export function checkFloatTensor(v: unknown, what: string): tf.Tensor {
  const t = checkTensor(v, what);
  if (t.dtype !== 'float32') throw new ValueError(`${what} must have dtype float32, got ${t.dtype}`);
  return t;
}

/**
 * Input rows that hold NaN/Inf: non-finite input is misuse (the caller's
 * data), so layers throw a `ValueError` naming the first bad row at once,
 * rather than letting a solver fail on it.
 */
export function assertFiniteRows(t: tf.Tensor, what: string): void {
  const data = t.dataSync();
  const rowSize = t.rank === 0 ? 1 : data.length / Math.max(1, t.shape[0]!);
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i]!)) {
      const row = Math.floor(i / Math.max(1, rowSize));
      throw new ValueError(`${what} has a non-finite value ${data[i]} in batch row ${row} (entry ${i - row * rowSize})`);
    }
  }
}

/** Throws a `ShapeError` naming `what` unless `t` has rank `rank`. */
export function checkRank(t: tf.Tensor, rank: number, what: string, expected: string): void {
  if (t.rank !== rank) throw new ShapeError(`${what} must be ${expected}, got shape [${t.shape.join(', ')}]`);
}

/**
 * Checks a layer's batched input: a float32 tensor of rank 2 whose width is
 * `width` when given (the width the layer was built for). Throws `ValueError`
 * (not a tensor, wrong dtype) or `ShapeError` naming `what`.
 */
export function checkLayerInput(v: unknown, what: string, width?: number): tf.Tensor2D {
  const t = checkFloatTensor(v, what);
  if (t.rank !== 2) throw new ShapeError(`${what} must be [batch, features], got shape [${t.shape.join(', ')}]`);
  if (width !== undefined && width > 0 && t.shape[1] !== width) throw new ShapeError(`${what} must have width ${width} (the width the layer was built for), got shape [${t.shape.join(', ')}]`);
  return t as tf.Tensor2D;
}
