import { ValueError } from '../../solvers/errors.js';
import { ITERATION_CAPS, checkIntegerInRange, rejectUnknownKeys } from '../options_check.js';
import { checkSamplePolicy, type SampleFailurePolicy } from './sample_policy.js';

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
  /** What a sample whose solve goes non-finite does (see `SampleFailurePolicy`). Default 'throw'. */
  onSolverFailure?: SampleFailurePolicy;
}

/** `DeqOptions` resolved. */
export interface ResolvedDeqOptions {
  readonly forward: ResolvedFixedPointOptions;
  readonly backward: ResolvedDeqBackwardOptions;
  readonly onSolverFailure: SampleFailurePolicy;
}

/** The keys of `FixedPointOptions`. */
export const FIXED_POINT_OPTION_KEYS: readonly string[] = ['solver', 'maxIters', 'absTol', 'relTol', 'memory', 'ridge', 'damping', 'throwOnFailure'];
const BACKWARD_KEYS: readonly string[] = ['mode', 'solver', 'phantomSteps', 'phantomDamping'];
/** Largest Anderson memory / Broyden rank a config may ask for. */
export const MAX_MEMORY = 100;

/** The fixed-point solvers by name. */
export const FIXED_POINT_SOLVERS: readonly FixedPointSolverName[] = ['fixed_point', 'anderson', 'broyden'];
const SOLVERS = FIXED_POINT_SOLVERS;
const MODES: readonly DeqBackwardMode[] = ['implicit', 'phantom', 'jfb'];

function nonNegative(v: number, what: string): number {
  if (!Number.isFinite(v) || v < 0) throw new ValueError(`${what} must be a finite number >= 0, got ${v}`);
  return v;
}

/**
 * Resolves and validates fixed-point options; `base` supplies unset fields
 * (default `FIXED_POINT_DEFAULTS`). Bounds what options or a loaded config
 * may ask for: `maxIters` <= `ITERATION_CAPS.fixedPoint` (10000), `memory`
 * <= 100, tolerances >= 0 with at least one of `absTol`, `relTol` positive
 * (zero tolerances would make every solve run to the cap); unknown keys throw.
 */
export function resolveFixedPointOptions(
  options: FixedPointOptions = {},
  base: ResolvedFixedPointOptions = FIXED_POINT_DEFAULTS,
  what = 'options',
): ResolvedFixedPointOptions {
  rejectUnknownKeys(options, FIXED_POINT_OPTION_KEYS, what);
  const o = { ...base, ...stripUndefined(options ?? {}) };
  if (!SOLVERS.includes(o.solver)) throw new ValueError(`${what}.solver must be one of ${SOLVERS.join(', ')}, got '${o.solver}'`);
  checkIntegerInRange(o.maxIters, 1, ITERATION_CAPS.fixedPoint, `${what}.maxIters`);
  checkIntegerInRange(o.memory, 1, MAX_MEMORY, `${what}.memory`);
  nonNegative(o.absTol, `${what}.absTol`);
  nonNegative(o.relTol, `${what}.relTol`);
  if (o.absTol === 0 && o.relTol === 0) throw new ValueError(`${what}.absTol and ${what}.relTol are both 0: at least one tolerance must be positive`);
  if (typeof o.throwOnFailure !== 'boolean') throw new ValueError(`${what}.throwOnFailure must be a boolean, got ${String(o.throwOnFailure)}`);
  nonNegative(o.ridge, `${what}.ridge`);
  if (!(o.damping > 0 && o.damping <= 1)) throw new ValueError(`${what}.damping must be in (0, 1], got ${o.damping}`);
  return o;
}

/** Resolves and validates DEQ options (forward solver, backward mode). */
export function resolveDeqOptions(options: DeqOptions = {}): ResolvedDeqOptions {
  rejectUnknownKeys(options, ['forward', 'backward', 'onSolverFailure'], 'DEQ option');
  const forward = resolveFixedPointOptions(options.forward, FIXED_POINT_DEFAULTS, 'forward');
  rejectUnknownKeys(options.backward, BACKWARD_KEYS, 'backward');
  const b = options.backward ?? {};
  const mode = b.mode ?? 'implicit';
  if (!MODES.includes(mode)) throw new ValueError(`backward.mode must be one of ${MODES.join(', ')}, got '${mode}'`);
  const solver = resolveFixedPointOptions(b.solver, forward, 'backward.solver');
  const phantomSteps = checkIntegerInRange(b.phantomSteps ?? 5, 1, 1000, 'backward.phantomSteps');
  const phantomDamping = b.phantomDamping ?? 0.5;
  if (!(phantomDamping > 0 && phantomDamping <= 1)) {
    throw new ValueError(`backward.phantomDamping must be in (0, 1], got ${phantomDamping}`);
  }
  const onSolverFailure = checkSamplePolicy(options.onSolverFailure, 'onSolverFailure');
  return { forward, backward: { mode, solver, phantomSteps, phantomDamping }, onSolverFailure };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}
