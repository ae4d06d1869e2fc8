import { ValueError } from '../errors.js';

/** Settings for one SCS solve. Every field is optional; `resolveScsOptions` documents defaults. */
export interface ScsOptions {
  /** Absolute feasibility/optimality tolerance (default 1e-8). */
  epsAbs?: number;
  /** Relative tolerance (default 1e-8). */
  epsRel?: number;
  /** Tolerance for infeasibility certificates inside SCS (default 1e-9). */
  epsInfeas?: number;
  /** Iteration limit (default 100000, at most `SCS_MAX_ITERS_CAP`). */
  maxIters?: number;
  /** Wall-clock limit in seconds; 0 means none (default 0, at most `SCS_TIME_LIMIT_CAP`). */
  timeLimitSecs?: number;
  /** Heuristic data rescaling (default true). */
  normalize?: boolean;
  /** Initial dual scale (default 0.1). */
  scale?: number;
  /** Adaptive scale updates (default true). */
  adaptiveScale?: boolean;
  /** Douglas-Rachford relaxation in (0, 2) (default 1.5). */
  alpha?: number;
  /** Print SCS's own log (default false). */
  verbose?: boolean;
  /**
   * Largest checked relative residual (primal, dual and gap, see
   * `coneResiduals`) of a point labelled `optimal_inaccurate`, and of a
   * certificate labelled `infeasible_inaccurate`/`unbounded_inaccurate`
   * (default 1e-5; never below the optimality tolerance max(epsAbs, epsRel)).
   */
  tolInaccurate?: number;
  /**
   * Largest scale-invariant certificate measure (see `verifyInfeasibility`,
   * `verifyUnboundedness`) of a certificate labelled `infeasible`/`unbounded`
   * (default 1e-6).
   */
  tolCertificate?: number;
}

/** `ScsOptions` validated by `resolveScsOptions`, every default filled in. */
export type ResolvedScsOptions = Required<ScsOptions>;

/** Largest accepted `maxIters`: a config file cannot ask for an effectively endless solve. */
export const SCS_MAX_ITERS_CAP = 1_000_000;

/** Largest accepted `timeLimitSecs` (one day). */
export const SCS_TIME_LIMIT_CAP = 86_400;

const DEFAULTS: ResolvedScsOptions = {
  epsAbs: 1e-8,
  epsRel: 1e-8,
  epsInfeas: 1e-9,
  maxIters: 100_000,
  timeLimitSecs: 0,
  normalize: true,
  scale: 0.1,
  adaptiveScale: true,
  alpha: 1.5,
  verbose: false,
  tolInaccurate: 1e-5,
  tolCertificate: 1e-6,
};

/** The option names `resolveScsOptions` accepts (every other key is rejected). */
export const SCS_OPTION_KEYS: readonly (keyof ScsOptions)[] = Object.keys(DEFAULTS) as (keyof ScsOptions)[];

const BOOLEAN_KEYS = ['normalize', 'adaptiveScale', 'verbose'] as const;
const POSITIVE_KEYS = ['epsAbs', 'epsRel', 'epsInfeas', 'scale', 'tolInaccurate', 'tolCertificate'] as const;

/**
 * Fills defaults and validates; throws `ValueError` naming the bad option:
 * unknown keys (e.g. a snake_case `max_iters` from a saved config), wrong
 * types, tolerances that are not positive finite numbers (tolerances below
 * 1 only), `maxIters` not an integer in [1, 1e6], `timeLimitSecs` outside
 * [0, 86400], `alpha` outside (0, 2). `tolInaccurate` is raised to
 * max(epsAbs, epsRel) when smaller, so `optimal` implies `optimal_inaccurate`'s test.
 */
export function resolveScsOptions(options: ScsOptions = {}): ResolvedScsOptions {
  if (options === null || typeof options !== 'object') throw new ValueError(`SCS options must be an object, got ${String(options)}`);
  const r: ResolvedScsOptions = { ...DEFAULTS };
  for (const [k, v] of Object.entries(options)) {
    if (!Object.prototype.hasOwnProperty.call(DEFAULTS, k)) {
      throw new ValueError(`unknown SCS option '${k}'; known: ${Object.keys(DEFAULTS).join(', ')}`);
    }
    if (v !== undefined) (r as unknown as Record<string, unknown>)[k] = v;
  }
  for (const key of BOOLEAN_KEYS) {
    if (typeof r[key] !== 'boolean') throw new ValueError(`SCS option ${key} must be a boolean, got ${String(r[key])}`);
  }
  for (const key of POSITIVE_KEYS) {
    const v = r[key];
    if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v)) throw new ValueError(`SCS option ${key} must be a positive finite number, got ${String(v)}`);
    if (key !== 'scale' && !(v < 1)) throw new ValueError(`SCS option ${key} must be below 1, got ${v}`);
  }
  if (!Number.isInteger(r.maxIters) || r.maxIters < 1 || r.maxIters > SCS_MAX_ITERS_CAP) {
    throw new ValueError(`SCS option maxIters must be an integer in [1, ${SCS_MAX_ITERS_CAP}], got ${String(r.maxIters)}`);
  }
  if (typeof r.alpha !== 'number' || !(r.alpha > 0 && r.alpha < 2)) throw new ValueError(`SCS option alpha must lie in (0, 2), got ${String(r.alpha)}`);
  if (typeof r.timeLimitSecs !== 'number' || !(r.timeLimitSecs >= 0 && r.timeLimitSecs <= SCS_TIME_LIMIT_CAP)) {
    throw new ValueError(`SCS option timeLimitSecs must lie in [0, ${SCS_TIME_LIMIT_CAP}] (0: no limit), got ${String(r.timeLimitSecs)}`);
  }
  r.tolInaccurate = Math.max(r.tolInaccurate, r.epsAbs, r.epsRel);
  return r;
}
