import * as tf from '@tensorflow/tfjs';

/** A tfjs weight initializer (what `tf.initializers.*` return). */
export type Initializer = ReturnType<typeof tf.initializers.zeros>;

/** The base `LayerArgs` of tfjs layers (name, inputShape, trainable, ...). */
export type BaseLayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;

/** A tfjs layer shape: dimensions with `null` for the batch. */
export type LayerShape = Array<number | null>;

/**
 * Creates one weight of a layer. Layers pass a closure over their protected
 * `addWeight`, so weight-building helpers can live outside the class.
 */
export type WeightFactory = (name: string, shape: number[], initializer: Initializer) => tf.LayerVariable;
