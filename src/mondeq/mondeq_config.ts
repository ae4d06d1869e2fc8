import * as tf from '@tensorflow/tfjs';
import { restoreSolverName } from '../deq/deq_layer.js';
import { restoreEnum } from '../serialization.js';
import type { MonDeqOptions } from './mondeq_options.js';

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
