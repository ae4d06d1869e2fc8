import * as tf from '@tensorflow/tfjs';

/** Package name under which every optlayers layer is registered for serialization. */
export const SERIALIZATION_PACKAGE = 'optlayers';

type SerializableCtor = tf.serialization.SerializableConstructor<tf.serialization.Serializable> & { className: string };

/**
 * Registers a layer class with tfjs serialization as `optlayers>ClassName`,
 * so `tf.models.modelFromJSON`/`loadLayersModel` can rebuild it.
 */
export function registerLayer<T extends SerializableCtor>(cls: T): T {
  tf.serialization.registerClass(cls, SERIALIZATION_PACKAGE);
  return cls;
}
