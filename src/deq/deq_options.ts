import { ValueError } from '../../solvers/errors.js';

/** Forward (and implicit-backward) fixed-point solvers. */
export type FixedPointSolverName = 'fixed_point' | 'anderson' | 'broyden';

/** How gradients leave the equilibrium: see `DeqBackwardOptions`. */
export type DeqBackwardMode = 'implicit' | 'phantom' | 'jfb';

/**
 * Options of one fixed-point solve z = g(z) on a batch `[batch, dim]`.
 * A sample stops counting as unconverged once its residual
 * r = ||g(z) - z||_2 satisfies r <= absTol or r / (||g(z)||_2 + 1e-12) <= relTol.
 */
export interface FixedPointOptions {
  /** Which solver. Default `'anderson'`. */
  solver?: FixedPointSolverName;
  /** Iteration limit. Default 50. */
  maxIters?: number;
  /** Absolute residual tolerance per sample. Default 1e-6. */
  absTol?: number;
  /** Relative residual tolerance per sample. Default 1e-4. */
  relTol?: number;
  /** Anderson memory m / Broyden rank (number of stored updates). Default 5. */
  memory?: number;
  /** Anderson ridge lambda, relative to the largest diagonal of G G'. Default 1e-4. */
  ridge?: number;
  /** Anderson damping beta in z+ = beta sum(alpha F) + (1 - beta) sum(alpha X). Default 1. */
  damping?: number;
  /** Throw a `SolverError` when a sample fails to converge (instead of only reporting it). Default false. */
  throwOnFailure?: boolean;
}

/** `FixedPointOptions` with every default filled in and validated. */
export type ResolvedFixedPointOptions = Required<FixedPointOptions>;

/** Defaults of `FixedPointOptions` (documented on each field). */
export const FIXED_POINT_DEFAULTS: ResolvedFixedPointOptions = {
  solver: 'anderson',
  maxIters: 50,
  absTol: 1e-6,
  relTol: 1e-4,
  memory: 5,
  ridge: 1e-4,
  damping: 1,
  throwOnFailure: false,
};

/** Backward-pass options of a DEQ. */
export interface DeqBackwardOptions {
  /**
   * `implicit` (default): solve u = u J_f(z*) + dl/dz* by the fixed-point
   * solver family, then backpropagate u through one evaluation of f (Bai et al.
   * 2019, eq. 8). `phantom`: backpropagate through k damped steps
   * z <- (1 - tau) z + tau f(z, x) from the detached z* (Geng et al. 2021).
   * `jfb`: Jacobian-free, backpropagate dl/dz* through one f (Fung et al. 2022).
   */
  mode?: DeqBackwardMode;
  /** Solver options of the implicit backward solve; unset fields copy the forward options. */
  solver?: FixedPointOptions;
  /** Phantom gradient: number of unrolled steps k. Default 5. */
  phantomSteps?: number;
  /** Phantom gradient: damping tau in (0, 1]. Default 0.5. */
  phantomDamping?: number;
}

/** `DeqBackwardOptions` with defaults filled in. */
export interface ResolvedDeqBackwardOptions {
  readonly mode: DeqBackwardMode;
  readonly solver: ResolvedFixedPointOptions;
  readonly phantomSteps: number;
  readonly phantomDamping: number;
}

/** Everything a DEQ call can be told. */
export interface DeqOptions {
  /** Forward solver options. */
  forward?: FixedPointOptions;
  /** Backward mode and its options. */
  backward?: DeqBackwardOptions;
}

/** `DeqOptions` resolved. */
export interface ResolvedDeqOptions {
  readonly forward: ResolvedFixedPointOptions;
  readonly backward: ResolvedDeqBackwardOptions;
}

const SOLVERS: readonly FixedPointSolverName[] = ['fixed_point', 'anderson', 'broyden'];
const MODES: readonly DeqBackwardMode[] = ['implicit', 'phantom', 'jfb'];

function positiveInt(v: number, what: string): number {
  if (!Number.isInteger(v) || v < 1) throw new ValueError(`${what} must be a positive integer, got ${v}`);
  return v;
}

function nonNegative(v: number, what: string): number {
  if (!Number.isFinite(v) || v < 0) throw new ValueError(`${what} must be a finite number >= 0, got ${v}`);
  return v;
}

/** Resolves and validates fixed-point options; `base` supplies unset fields (default `FIXED_POINT_DEFAULTS`). */
export function resolveFixedPointOptions(
  options: FixedPointOptions = {},
  base: ResolvedFixedPointOptions = FIXED_POINT_DEFAULTS,
  what = 'options',
): ResolvedFixedPointOptions {
  const o = { ...base, ...stripUndefined(options) };
  if (!SOLVERS.includes(o.solver)) throw new ValueError(`${what}.solver must be one of ${SOLVERS.join(', ')}, got '${o.solver}'`);
  positiveInt(o.maxIters, `${what}.maxIters`);
  positiveInt(o.memory, `${what}.memory`);
  nonNegative(o.absTol, `${what}.absTol`);
  nonNegative(o.relTol, `${what}.relTol`);
  nonNegative(o.ridge, `${what}.ridge`);
  if (!(o.damping > 0 && o.damping <= 1)) throw new ValueError(`${what}.damping must be in (0, 1], got ${o.damping}`);
  return o;
}

/** Resolves and validates DEQ options (forward solver, backward mode). */
export function resolveDeqOptions(options: DeqOptions = {}): ResolvedDeqOptions {
  const forward = resolveFixedPointOptions(options.forward, FIXED_POINT_DEFAULTS, 'forward');
  const b = options.backward ?? {};
  const mode = b.mode ?? 'implicit';
  if (!MODES.includes(mode)) throw new ValueError(`backward.mode must be one of ${MODES.join(', ')}, got '${mode}'`);
  const solver = resolveFixedPointOptions(b.solver, forward, 'backward.solver');
  const phantomSteps = positiveInt(b.phantomSteps ?? 5, 'backward.phantomSteps');
  const phantomDamping = b.phantomDamping ?? 0.5;
  if (!(phantomDamping > 0 && phantomDamping <= 1)) {
    throw new ValueError(`backward.phantomDamping must be in (0, 1], got ${phantomDamping}`);
  }
  return { forward, backward: { mode, solver, phantomSteps, phantomDamping } };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}
