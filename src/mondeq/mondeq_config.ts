import * as tf from '@tensorflow/tfjs';
import { ShapeError } from '../../solvers/errors.js';
import { restoreSolverName } from '../deq/deq_layer.js';
import { restoreEnum } from '../serialization.js';
import { resolveMonDeqOptions, type MonDeqOptions } from './mondeq_options.js';

/**
 * The saved config of a monotone DEQ layer (MonDEQLayer, IbpMonDEQLayer):
 * units, monotonicity and the solver options as given (plain JSON copies).
 */
export function monDeqConfig(units: number, monotonicity: number, rawOptions: MonDeqOptions): tf.serialization.ConfigDict {
  const config: tf.serialization.ConfigDict = { units, monotonicity };
  for (const [k, v] of Object.entries(rawOptions)) if (v !== undefined) config[k] = JSON.parse(JSON.stringify(v)) as tf.serialization.ConfigDictValue;
  return config;
}

/** Layer arguments from a saved config, undoing tfjs's camelCasing of enumerated values ('peaceman_rachford'). */
export function monDeqArgsFromConfig(config: tf.serialization.ConfigDict): Record<string, unknown> {
  const args: Record<string, unknown> = { ...config };
  if (config['splitting'] !== undefined) args['splitting'] = restoreEnum(config['splitting'], ['forward_backward', 'peaceman_rachford']);
  for (const key of ['forward', 'backward']) if (config[key] !== undefined) args[key] = restoreSolverName(config[key]);
  return args;
}

/** The solver options of a monotone DEQ layer's arguments (validated now, so a bad one fails at construction). */
export function monDeqRawOptions(args: MonDeqOptions): MonDeqOptions {
  const raw = { splitting: args.splitting, alpha: args.alpha, forward: args.forward, backward: args.backward, onSolverFailure: args.onSolverFailure };
  resolveMonDeqOptions(raw);
  return raw;
}

/** The feature width of a [batch, features] input shape; ShapeError naming the layer otherwise. */
export function monDeqInputWidth(inputShape: tf.Shape | tf.Shape[], what: string): number {
  const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
  if (shape.length !== 2 || shape[1] == null) throw new ShapeError(`${what}: input must be [batch, features], got [${shape.join(', ')}]`);
  return shape[1];
}
