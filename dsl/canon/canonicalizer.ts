import type { Atom } from '../atoms/atom.js';
import type { AffineTensor } from './affine_tensor.js';
import type { CanonResult, VariableFactory } from './cone_constraint.js';

/**
 * A pure canonicalizer (CVXPY's `*_canon` functions): given the atom and its
 * arguments already reduced to affine tensors, returns an affine stand-in
 * `expr` for the atom plus cone constraints such that, at any optimum of the
 * DCP problem, expr equals the atom (epigraph for convex atoms, hypograph for
 * concave ones). Fresh variables come from `vars`; nothing else is mutated.
 */
export type Canonicalizer<A extends Atom> = (atom: A, args: readonly AffineTensor[], vars: VariableFactory) => CanonResult;
