import type { ConeDims } from '../solvers/cone_program.js';
import type { CscMatrix } from '../solvers/sparse/csc.js';

/** What the compiled form needs to know about a parameter, variable or constraint. */
export interface ShapedRef {
  readonly id: number;
  readonly name: string;
  readonly shape: readonly number[];
}

/** Where one parameter's entries sit in theta (row-major flattening of its value). */
export interface ParameterSlot<P extends ShapedRef = ShapedRef> {
  readonly ref: P;
  readonly offset: number;
  readonly size: number;
}

/** How to read one user variable off the solver's x: value = recovery * x (row-major). */
export interface VariableSlot<V extends ShapedRef = ShapedRef> {
  readonly ref: V;
  readonly size: number;
  /** size x n sparse matrix. */
  readonly recovery: CscMatrix;
}

/** How to read one user constraint's dual off the solver's y: dual = dualRecovery * y. */
export interface ConstraintSlot<C extends ShapedRef = ShapedRef> {
  readonly ref: C;
  readonly size: number;
  /** size x m sparse matrix. */
  readonly dualRecovery: CscMatrix;
}

/**
 * A DPP problem compiled once into affine-solver-affine form (Agrawal et al.,
 * "Differentiable Convex Optimization Layers", 2019):
 *
 *   theta (all parameter entries) --affine--> (A, b, c[, P]) --cone solver--> (x, y, s) --affine--> variables, duals
 *
 * Each data block is a sparse *linear* map of [theta; 1] (the trailing column
 * holds the parameter-free constants). Plain data: easy to inspect and test.
 * The solver form is  minimize 1/2 x'Px + c'x  s.t.  Ax + s = b,  s in K,
 * with cones ordered zero, nonneg, SOC, exp, power; for `maximize f` the
 * solver minimizes -f and `objectiveSign` is -1.
 */
export interface CompiledProblem<P extends ShapedRef = ShapedRef, V extends ShapedRef = ShapedRef, C extends ShapedRef = ShapedRef> {
  readonly parameters: readonly ParameterSlot<P>[];
  /** Length of theta (sum of parameter sizes). */
  readonly thetaSize: number;
  /** Number of solver variables (columns of A). */
  readonly n: number;
  /** Number of cone rows (rows of A). */
  readonly m: number;
  readonly cones: ConeDims;
  /** Fixed sparsity of A; the values in CSC order are aMap * [theta; 1]. */
  readonly aPattern: CscMatrix;
  /** nnz(A) x (thetaSize + 1). */
  readonly aMap: CscMatrix;
  /** m x (thetaSize + 1). */
  readonly bMap: CscMatrix;
  /** n x (thetaSize + 1). */
  readonly cMap: CscMatrix;
  /** 1 x (thetaSize + 1): the objective's constant term (in solver sign). */
  readonly offsetMap: CscMatrix;
  /** Present when the objective was kept quadratic: P's full symmetric sparsity and its values map (nnz(P) x (thetaSize + 1)). */
  readonly pPattern?: CscMatrix;
  readonly pMap?: CscMatrix;
  /** +1 for minimize, -1 for maximize. */
  readonly objectiveSign: 1 | -1;
  readonly variables: readonly VariableSlot<V>[];
  readonly constraints: readonly ConstraintSlot<C>[];
  /**
   * Why the problem has cones beyond zero/nonnegative, one sentence per
   * objective term or constraint that needs one (e.g. "the objective term
   * exp(x) needs an exponential cone"); empty for an LP/QP. Computed on call
   * (for an error message), not at compile time. Optional: a compiled form
   * built elsewhere may not know.
   */
  readonly nonLinearConeTerms?: () => readonly string[];
}

/** Gradient of a loss with respect to the solver data, as produced by the cone-program derivative. */
export interface DataGradient {
  /** On aPattern, CSC order. */
  readonly dA: Float64Array;
  readonly db: Float64Array;
  readonly dc: Float64Array;
  /** On pPattern, when the problem has P. */
  readonly dP?: Float64Array;
}
