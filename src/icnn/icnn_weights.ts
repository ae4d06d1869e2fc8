import { MAX_HIDDEN_LAYERS, MAX_LAYER_WIDTH } from '../options_check.js';
import * as tf from '@tensorflow/tfjs';
import { ShapeError, ValueError } from '../../solvers/errors.js';
import type { Initializer, WeightFactory } from './layer_types.js';

/**
 * Weights of one layer of a fully input-convex network (Amos, Xu & Kolter
 * 2017, eq. 2): z_{k+1} = g(z_k softplus(U_k) + x W_k + b_k).
 * `hiddenRaw` (the unconstrained U_k) is absent in the first layer.
 */
export interface IcnnLayerWeights {
  readonly hiddenRaw?: tf.LayerVariable;
  readonly input: tf.LayerVariable;
  readonly bias: tf.LayerVariable;
}

/** Validates a list of hidden layer widths (positive integers, at least one). */
export function checkHiddenUnits(units: unknown, what: string): number[] {
  if (!Array.isArray(units) || units.length === 0 || !units.every((u) => Number.isInteger(u) && u > 0)) {
    throw new ValueError(`${what} must be a non-empty array of positive integers, got ${JSON.stringify(units)}`);
  }
  if (units.length > MAX_HIDDEN_LAYERS || units.some((u: number) => u > MAX_LAYER_WIDTH)) {
    throw new ValueError(`${what} asks for more than ${MAX_HIDDEN_LAYERS} layers or a width above ${MAX_LAYER_WIDTH}: ${JSON.stringify(units)}`);
  }
  return [...(units as number[])];
}

/** Validates a positive integer option. */
export function checkPositiveInteger(value: unknown, what: string): number {
  if (!(typeof value === 'number' && Number.isInteger(value) && value > 0 && value <= MAX_LAYER_WIDTH)) {
    throw new ValueError(`${what} must be a positive integer <= ${MAX_LAYER_WIDTH}, got ${String(value)}`);
  }
  return value;
}

/** Validates a positive finite number option. */
export function checkPositive(value: unknown, what: string): number {
  if (!(typeof value === 'number' && Number.isFinite(value) && value > 0)) {
    throw new ValueError(`${what} must be a positive finite number, got ${String(value)}`);
  }
  return value;
}

/** Validates a non-negative finite number option. */
export function checkNonNegative(value: unknown, what: string): number {
  if (!(typeof value === 'number' && Number.isFinite(value) && value >= 0)) {
    throw new ValueError(`${what} must be a non-negative finite number, got ${String(value)}`);
  }
  return value;
}

/** Checks that the last dimension of a layer input shape is known and returns it. */
export function lastDim(shape: Array<number | null>, what: string): number {
  const d = shape[shape.length - 1];
  if (shape.length !== 2 || d === null || d === undefined) {
    throw new ShapeError(`${what} must have shape [batch, features] with a known feature size, got [${shape.map(String).join(', ')}]`);
  }
  return d;
}

/**
 * Initializer for an unconstrained weight U whose softplus(U) should start
 * near 1/fanIn, so a non-negative combination of fanIn activations keeps
 * their scale: U ~ N(log(e^{1/fanIn} - 1), 0.1^2).
 */
export function nonNegativeInitializer(fanIn: number, seed: number | undefined): Initializer {
  const target = 1 / fanIn;
  return tf.initializers.randomNormal({ mean: Math.log(Math.expm1(target)), stddev: 0.1, seed });
}

/** Seed for the k-th weight derived from a layer seed (undefined stays random). */
export function subSeed(seed: number | undefined, k: number): number | undefined {
  return seed === undefined ? undefined : seed * 7919 + k;
}

/**
 * Creates the weights of a fully input-convex network with `inputDim` inputs,
 * hidden widths `hiddenUnits` and `units` outputs: one `IcnnLayerWeights` per
 * hidden layer plus one for the (linear, convex) output layer.
 */
export function createIcnnWeights(
  addWeight: WeightFactory,
  inputDim: number,
  hiddenUnits: readonly number[],
  units: number,
  seed: number | undefined,
): IcnnLayerWeights[] {
  const widths = [...hiddenUnits, units];
  const layers: IcnnLayerWeights[] = [];
  let k = 0;
  widths.forEach((out, i) => {
    const hiddenRaw = i === 0 ? undefined : addWeight(`hidden_raw_${i}`, [widths[i - 1]!, out], nonNegativeInitializer(widths[i - 1]!, subSeed(seed, k++)));
    const input = addWeight(`input_kernel_${i}`, [inputDim, out], tf.initializers.glorotUniform({ seed: subSeed(seed, k++) }));
    const bias = addWeight(`bias_${i}`, [out], tf.initializers.zeros());
    layers.push({ hiddenRaw, input, bias });
  });
  return layers;
}
