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
  /** Iteration limit of the iterative method. */
  maxIters?: number;
  /** Largest system size (n + m + 1) solved densely under 'auto'. */
  denseLimit?: number;
}

/**
 * The derivative of a cone program's solution map at a solution. Built once
 * (the linear operator M and, for the dense method, its LU factors); both maps
 * reuse it.
 */
export interface ConeProgramDerivative {
  /** Adjoint (vector-Jacobian product): dl/d(x, y, s) -> dl/d(A, b, c). */
  adjoint(g: SolutionPerturbation): DataPerturbation;
  /** Forward (Jacobian-vector product): d(A, b, c) -> d(x, y, s). */
  forward(d: DataPerturbation): SolutionPerturbation;
}
