import * as tf from '@tensorflow/tfjs';
import { ValueError } from '../../solvers/errors.js';
import type { Initializer } from '../icnn/layer_types.js';
import { readName } from '../serialization.js';

/**
 * How to initialize a weight parameter: the name of a tfjs initializer
 * ('zeros', 'ones', 'glorotUniform', 'randomNormal', ...), a serialized one
 * `{className, config}`, or an initializer object.
 */
export type WeightInitializer = string | { className: string; config?: tf.serialization.ConfigDict } | Initializer;

/**
 * A weight parameter as `getConfig` stores it: the parameter name under a
 * `name` key (the one string tfjs's save/load case conversion leaves alone,
 * see `StoredName`) and its initializer.
 */
export interface StoredWeightParameter {
  readonly name: string;
  readonly initializer: WeightInitializer;
}

/** Reads `weightParameters` given as `{name: initializer}` or, from a saved config, as `StoredWeightParameter[]`. */
export function readWeightParameters(value: unknown, what: string): Record<string, WeightInitializer> {
  if (value === undefined || value === null) return {};
  if (Array.isArray(value)) {
    const out: Record<string, WeightInitializer> = {};
    value.forEach((entry: unknown, i) => {
      const e = entry as Partial<StoredWeightParameter> | null;
      if (e === null || typeof e !== 'object' || typeof e.name !== 'string' || e.initializer === undefined) {
        throw new ValueError(`${what} weightParameters[${i}] must be {name, initializer}, got ${JSON.stringify(entry)}`);
      }
      if (e.name in out) throw new ValueError(`${what} weightParameters lists '${e.name}' twice`);
      out[e.name] = e.initializer;
    });
    return out;
  }
  if (typeof value !== 'object') throw new ValueError(`${what} weightParameters must be an object {name: initializer}, got ${typeof value}`);
  return { ...(value as Record<string, WeightInitializer>) };
}

/** Reads a list of names (strings, or `{name}` from a saved config). */
export function readNames(value: unknown, what: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new ValueError(`${what} must be an array of names, got ${typeof value}`);
  return value.map((v: unknown, i) => readName(v, `${what}[${i}]`));
}

/** The tfjs initializer an entry of `weightParameters` names; `ValueError` for an unknown one. */
export function toInitializer(init: WeightInitializer, what: string): Initializer {
  if (typeof init === 'object' && 'apply' in init && typeof (init as Initializer).apply === 'function') return init as Initializer;
  const spec = typeof init === 'string' ? { className: init, config: {} } : (init as { className: string; config?: tf.serialization.ConfigDict });
  const key = spec.className.charAt(0).toLowerCase() + spec.className.slice(1);
  const factory = (tf.initializers as unknown as Record<string, ((c: unknown) => Initializer) | undefined>)[key];
  if (typeof factory !== 'function') throw new ValueError(`${what}: unknown initializer '${spec.className}'`);
  return factory(spec.config ?? {});
}

/** The JSON form of an initializer, for `getConfig`. */
export function serializeInitializer(init: WeightInitializer): tf.serialization.ConfigDict | string {
  if (typeof init === 'string') return init;
  if ('getClassName' in init && typeof init.getClassName === 'function') return { className: init.getClassName(), config: init.getConfig() };
  return init as tf.serialization.ConfigDict;
}
