import { ValueError } from '../errors.js';

/** Settings for one SCS solve. Every field is optional; `resolveScsOptions` documents defaults. */
export interface ScsOptions {
  /** Absolute feasibility/optimality tolerance (default 1e-8). */
  epsAbs?: number;
  /** Relative tolerance (default 1e-8). */
  epsRel?: number;
  /** Tolerance for infeasibility certificates (default 1e-9). */
  epsInfeas?: number;
  /** Iteration limit (default 100000). */
  maxIters?: number;
  /** Wall-clock limit in seconds; 0 means none (default 0). */
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
}

export type ResolvedScsOptions = Required<ScsOptions>;

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
};

/** Fills defaults and validates ranges; throws `ValueError` naming the bad option. */
export function resolveScsOptions(options: ScsOptions = {}): ResolvedScsOptions {
  const r: ResolvedScsOptions = { ...DEFAULTS };
  for (const [k, v] of Object.entries(options)) {
    if (v !== undefined) (r as unknown as Record<string, unknown>)[k] = v;
  }
  for (const key of ['epsAbs', 'epsRel', 'epsInfeas', 'scale'] as const) {
    if (!(r[key] > 0) || !Number.isFinite(r[key])) throw new ValueError(`SCS option ${key} must be a positive finite number, got ${r[key]}`);
  }
  if (!Number.isInteger(r.maxIters) || r.maxIters < 1) throw new ValueError(`SCS option maxIters must be a positive integer, got ${r.maxIters}`);
  if (!(r.alpha > 0 && r.alpha < 2)) throw new ValueError(`SCS option alpha must lie in (0, 2), got ${r.alpha}`);
  if (!(r.timeLimitSecs >= 0)) throw new ValueError(`SCS option timeLimitSecs must be >= 0, got ${r.timeLimitSecs}`);
  return r;
}
