/**
 * Perturbations of cone program data / solution, used by the derivative of
 * the solution map (A, b, c) -> (x, y, s). `dA` holds values on A's sparsity
 * pattern only, in the same CSC order as `A.values`.
 */
export interface DataPerturbation {
  readonly dA: Float64Array;
  readonly db: Float64Array;
  readonly dc: Float64Array;
}

/** Perturbation (or, for the adjoint, loss gradient) of the solution (x, y, s). */
export interface SolutionPerturbation {
  readonly dx: Float64Array;
  readonly dy: Float64Array;
  readonly ds: Float64Array;
}

/** Options of the derivative; see `resolveDerivativeOptions` for defaults. */
export interface ConeDerivativeOptions {
  /** 'dense' LU, 'iterative' Krylov, or 'auto' (dense when the system is small). */
  method?: 'auto' | 'dense' | 'iterative';
  /** Relative residual tolerance of the iterative method. */
  tol?: number;
  /** Iteration limit of the iterative method (0: automatic). */
  maxIters?: number;
  /** Largest system size (n + m + 1) solved densely under 'auto'. */
  denseLimit?: number;
  /** GMRES restart length of the iterative method (0: automatic). */
  restart?: number;
  /** Largest acceptable final relative residual of a linear solve; beyond it the solve throws `SolverError`. */
  acceptResidual?: number;
  /**
   * What a differentiating caller (the DSL's SCS route) does when the LU finds
   * Mhat singular (a degenerate solution: non-unique multipliers, no strict
   * complementarity) AND the parameter gradient depends on which solution of
   * Mhat' r = g is taken (see `adjointNullDirections`), i.e. the solution map
   * has only one-sided derivatives there: 'throw' (default) a `SolverError`
   * with status 'singular'; 'least-squares' keeps LSQR's minimum-norm
   * candidate. Degenerate points whose parameter gradient is unique (e.g.
   * duplicated constraints) are differentiated either way.
   */
  singular?: 'throw' | 'least-squares';
}

/** How one linear solve with M or M' went (the residual is recomputed from scratch). */
export interface LinearSolveReport {
  readonly method: 'dense' | 'iterative' | 'least-squares';
  /** Krylov iterations, or LU refinement steps for the dense method. */
  readonly iterations: number;
  /** |M r - rhs| / |rhs| of the returned solution. */
  readonly relativeResidual: number;
}

/**
 * The derivative of a cone program's solution map at a solution. Built once
 * (the linear operator M and, for the dense method, its LU factors); both maps
 * reuse it.
 */
export interface ConeProgramDerivative {
  /** Size n + m + 1 of the linear system. */
  readonly size: number;
  /** The linear solver in use. */
  readonly method: 'dense' | 'iterative';
  /**
   * 'ok', or 'singular' when the dense factorization found M numerically
   * singular (a degenerate solution: the adjoint vector is not unique); solves then
   * return the minimum-norm least-squares solution (LSQR).
   */
  readonly status: 'ok' | 'singular';
  /**
   * When `status` is 'singular': `count` unit vectors of null(Mhat') mapped to
   * data perturbations (`null`; adding any multiple of one to an adjoint
   * vector gives another solution of Mhat' r = g), each with the data
   * perturbation of the generic unit vector it came from (`generic`, a scale
   * for comparison). A caller differentiating through a parameter map J checks
   * J' null ~ 0 relative to J' generic: then the parameter gradient is unique
   * (e.g. duplicated rows fed by the same parameter); otherwise the solution
   * map has only one-sided derivatives there. Empty when `status` is 'ok'.
   */
  adjointNullDirections(count: number): { null: DataPerturbation; generic: DataPerturbation }[];
  /**
   * True when the point's status was not optimal / optimal_inaccurate (only
   * possible with `at = 'best-effort'`): the derivative is taken at an
   * unchecked point and is the solution map's only approximately.
   */
  readonly atUnsolvedPoint: boolean;
  /** Report of the most recent adjoint or forward solve (undefined before the first). */
  readonly lastSolve: LinearSolveReport | undefined;
  /** Adjoint (vector-Jacobian product): dl/d(x, y, s) -> dl/d(A, b, c). */
  adjoint(g: SolutionPerturbation): DataPerturbation;
  /** Forward (Jacobian-vector product): d(A, b, c) -> d(x, y, s). */
  forward(d: DataPerturbation): SolutionPerturbation;
}
