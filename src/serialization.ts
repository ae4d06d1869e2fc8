import * as tf from '@tensorflow/tfjs';
import { ValueError } from '../solvers/errors.js';

/** Package name under which every optlayers layer is registered for serialization. */
export const SERIALIZATION_PACKAGE = 'optlayers';

/** A class tfjs can serialize: a `Serializable` constructor with a static `className`. */
export type SerializableCtor = tf.serialization.SerializableConstructor<tf.serialization.Serializable> & { className: string };

/**
 * Registers a layer class with tfjs serialization as `optlayers>ClassName`,
 * so `tf.models.modelFromJSON`/`loadLayersModel` can rebuild it.
 */
export function registerLayer<T extends SerializableCtor>(cls: T): T {
  tf.serialization.registerClass(cls, SERIALIZATION_PACKAGE);
  return cls;
}

/**
 * A user-chosen name stored in a layer config so that it survives saving.
 * tfjs's `model.save` passes every config key and string value through
 * `toSnakeCase` and `loadLayersModel` through `toCamelCase`, so 'A' comes
 * back 'a', 'lower_bound' as 'lowerBound' and 'boxQP' as 'boxQp'; the only
 * strings both converters leave alone are the values of a `name` key
 * (`convertTsToPythonic` / `convertPythonicToTs`). Hence `{name}`.
 */
export interface StoredName {
  readonly name: string;
}

/** Wraps a name for a layer config (see `StoredName`). */
export function storeName(name: string): StoredName {
  return { name };
}

/** Reads a name given directly (a string) or from a config (`{name}`); `ValueError` naming `what` otherwise. */
export function readName(value: unknown, what: string): string {
  if (typeof value === 'string') return value;
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && typeof (value as StoredName).name === 'string' && Object.keys(value).length === 1) {
    return (value as StoredName).name;
  }
  throw new ValueError(`${what} must be a string (or {name: string} in a saved config), got ${JSON.stringify(value)}`);
}

/** camelCase of a snake_case word, as tfjs's loader turns it ('fixed_point' -> 'fixedPoint'). */
function camel(s: string): string {
  return s.replace(/_+(\w|$)/g, (_m, c: string) => c.toUpperCase());
}

/**
 * Undoes tfjs's camelCasing of an enumerated string value in a loaded config:
 * returns the member of `allowed` equal to `value` or whose camelCase form is
 * `value` ('fixedPoint' -> 'fixed_point'); anything else is returned as is,
 * for the option's validator to reject by name.
 */
export function restoreEnum<T extends string>(value: unknown, allowed: readonly T[]): unknown {
  if (typeof value !== 'string') return value;
  if ((allowed as readonly string[]).includes(value)) return value;
  return allowed.find((a) => camel(a) === value) ?? value;
}
