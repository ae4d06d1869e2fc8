import { ValueError } from '../../solvers/errors.js';
import type { ScsOptions } from '../../solvers/scs/scs_options.js';

/** Options of `problem.solve`. Every field is optional; `resolveSolveOptions` documents the defaults. */
export interface SolveOptions {
  /** SCS absolute tolerance (default: the SCS adapter's, 1e-8). */
  epsAbs?: number;
  /** SCS relative tolerance (default: the SCS adapter's, 1e-8). */
  epsRel?: number;
  /** SCS iteration limit (default: the SCS adapter's, 100000). */
  maxIters?: number;
  /** Start SCS from this problem's previous solution when there is one (default false). */
  warmStart?: boolean;
  /** Print SCS's log (default false). */
  verbose?: boolean;
  /** Keep a quadratic objective as P instead of cones when possible (default false; see CompileOptions). */
  quadObjective?: boolean;
}

/** Fully resolved solve options. */
export interface ResolvedSolveOptions {
  readonly scs: ScsOptions;
  readonly warmStart: boolean;
  readonly quadObjective: boolean;
}

/** Fills defaults and validates; throws ValueError naming the bad option. */
export function resolveSolveOptions(options: SolveOptions = {}): ResolvedSolveOptions {
  const known = new Set(['epsAbs', 'epsRel', 'maxIters', 'warmStart', 'verbose', 'quadObjective']);
  for (const k of Object.keys(options)) if (!known.has(k)) throw new ValueError(`unknown solve option '${k}'; known: ${[...known].join(', ')}`);
  const scs: ScsOptions = {};
  if (options.epsAbs !== undefined) scs.epsAbs = options.epsAbs;
  if (options.epsRel !== undefined) scs.epsRel = options.epsRel;
  if (options.maxIters !== undefined) scs.maxIters = options.maxIters;
  if (options.verbose !== undefined) scs.verbose = options.verbose;
  return { scs, warmStart: options.warmStart ?? false, quadObjective: options.quadObjective ?? false };
}
