import * as tf from '@tensorflow/tfjs';
import { ValueError } from '../../solvers/errors.js';

/** A sub-layer serialized as tfjs does for wrapper layers: its class name and config. */
export interface NestedLayerConfig {
  readonly className: string;
  readonly config: tf.serialization.ConfigDict;
}

/** Serializes a sub-layer (any registered tfjs layer or model) to `{className, config}`. */
export function serializeNestedLayer(layer: tf.layers.Layer): NestedLayerConfig {
  return { className: layer.getClassName(), config: layer.getConfig() };
}

/**
 * Rebuilds a sub-layer from `{className, config}` through the tfjs
 * serialization registry (built-in layers, `Sequential`, and every class
 * registered with `registerLayer`). Throws `ValueError` naming `what` when
 * the class is unknown.
 */
export function deserializeNestedLayer(value: unknown, what: string): tf.layers.Layer {
  const spec = value as Partial<NestedLayerConfig> | null;
  if (spec === null || typeof spec !== 'object' || typeof spec.className !== 'string' || typeof spec.config !== 'object') {
    throw new ValueError(`${what} must be a {className, config} object, got ${JSON.stringify(value)}`);
  }
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[spec.className];
  if (entry === undefined) throw new ValueError(`${what}: unknown layer class '${spec.className}' (is it registered?)`);
  const [cls, fromConfig] = entry;
  const layer = fromConfig(cls, spec.config as tf.serialization.ConfigDict);
  if (!(layer instanceof tf.layers.Layer)) throw new ValueError(`${what}: class '${spec.className}' is not a layer`);
  return layer;
}
