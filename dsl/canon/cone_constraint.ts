import type { Constraint } from '../problem/constraint.js';
import type { AffineTensor } from './affine_tensor.js';

/**
 * "expr lies in a cone", with expr an affine tensor. In solver form the rows
 * become  -F x + s = g  for expr = F x + g, so the slack s equals expr.
 *   zero:    expr == 0;          nonneg: expr >= 0;
 *   soc:     consecutive blocks of `sizes`, each (t, u) with |u|_2 <= t;
 *   exp:     consecutive triples (x, y, z) with y e^(x/y) <= z;
 *   power:   consecutive triples (x, y, z) with x^a y^(1-a) >= |z|, one alpha per triple.
 * `owner` marks the rows whose dual is a user constraint's dual value.
 */
export type ConeConstraint =
  | { readonly cone: 'zero'; readonly expr: AffineTensor; readonly owner?: Constraint }
  | { readonly cone: 'nonneg'; readonly expr: AffineTensor; readonly owner?: Constraint }
  | { readonly cone: 'soc'; readonly expr: AffineTensor; readonly sizes: readonly number[]; readonly owner?: Constraint }
  | { readonly cone: 'exp'; readonly expr: AffineTensor; readonly owner?: Constraint }
  | { readonly cone: 'power'; readonly expr: AffineTensor; readonly alphas: readonly number[]; readonly owner?: Constraint };

/** Allocates fresh solver variables (columns of A) during canonicalization. */
export interface VariableFactory {
  /** A new block of `size` solver variables, as an affine tensor. */
  newVariable(size: number): AffineTensor;
}

/** What a canonicalizer returns: an affine stand-in for the atom plus the cone constraints that make it exact. */
export interface CanonResult {
  readonly expr: AffineTensor;
  readonly constraints: readonly ConeConstraint[];
}
