import { ValueError } from '../../solvers/errors.js';
import type { ConvexProblem } from './problem_access.js';

/** Builds a fresh DSL problem; parameters and variables are found by their `name`. */
export type ProblemFactory = () => ConvexProblem;

const registry = new Map<string, ProblemFactory>();

/**
 * Registers a problem factory under a name so that a `ConvexProgramLayer`
 * built from that name can be serialized (`getConfig` stores only the name)
 * and rebuilt by `tf.models.modelFromJSON` / `tf.loadLayersModel`. Register
 * the same name with an equivalent factory in the process that loads the
 * model. Re-registering a name replaces its factory.
 */
export function registerProblem(name: string, factory: ProblemFactory): void {
  if (typeof name !== 'string' || name.length === 0) throw new ValueError('registerProblem needs a non-empty name');
  if (typeof factory !== 'function') throw new ValueError(`registerProblem('${name}') needs a factory function`);
  registry.set(name, factory);
}

/** A fresh problem from the factory registered under `name`; `ValueError` listing the known names otherwise. */
export function registeredProblem(name: string): ConvexProblem {
  const factory = registry.get(name);
  if (!factory) {
    const known = [...registry.keys()];
    throw new ValueError(`no problem registered under '${name}' (registered: ${known.length ? known.join(', ') : 'none'}); call registerProblem('${name}', () => problem) first`);
  }
  return factory();
}

/** Names registered so far. */
export function registeredProblemNames(): string[] {
  return [...registry.keys()];
}
