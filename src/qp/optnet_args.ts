import { ShapeError, ValueError } from '../../solvers/errors.js';
import { MAX_QP_SIZE } from '../options_check.js';
import { resolveQpLayerOptions, type QpLayerOptions, type ResolvedQpLayerOptions } from './qp_options.js';
import { QP_ARGUMENT_NAMES, type QpArgumentName } from './qp_shapes.js';

/**
 * A constant QP argument: a number (for Q, G, A: that multiple of the
 * identity, which needs a square matrix; for p, h, b: a vector filled with
 * it), a vector, or a matrix as nested row arrays.
 */
export type FixedValue = number | readonly number[] | readonly (readonly number[])[];

/** Where an OptNet layer takes each QP argument from. */
export type OptNetSource = 'input' | 'fixed' | 'learned' | 'absent';

/**
 * How the feasible point z0 behind the learned h = G z0 + s0 and b = A z0 is
 * parametrized: `'free'` (z0 = w, initialised to 0) or `'positive'`
 * (z0 = exp(w), initialised to 1: keeps z0 feasible for the constraint
 * z >= 0, i.e. G = -I, h = 0, as in the OptNet Sudoku model).
 */
export type FeasiblePoint = 'free' | 'positive';

/** Structural options of an OptNet layer (what `OptNetLayerArgs` adds to the tfjs `LayerArgs`). */
export interface OptNetStructure extends QpLayerOptions {
  nVariables: number;
  nIneq?: number;
  nEq?: number;
  inputs?: readonly string[];
  fixed?: Readonly<Partial<Record<string, FixedValue>>>;
  eps?: number;
  feasiblePoint?: FeasiblePoint;
  seed?: number;
}

/** `OptNetStructure` validated, with defaults applied and constants expanded to dense float32. */
export interface ResolvedOptNetStructure {
  readonly n: number;
  readonly nIneq: number;
  readonly nEq: number;
  readonly inputs: readonly QpArgumentName[];
  readonly source: Readonly<Record<QpArgumentName, OptNetSource>>;
  /** Dense row-major values of the fixed arguments. */
  readonly constants: Readonly<Partial<Record<QpArgumentName, Float32Array>>>;
  /** The fixed arguments as given (kept for `getConfig`), keyed by lowercase name. */
  readonly fixedConfig: Readonly<Record<string, FixedValue>>;
  readonly eps: number;
  readonly feasiblePoint: FeasiblePoint;
  readonly seed: number | undefined;
  readonly qp: ResolvedQpLayerOptions;
}

/** Unbatched shape of each QP argument for sizes (n, m, k). */
export function argumentShape(name: QpArgumentName, n: number, m: number, k: number): number[] {
  switch (name) {
    case 'Q': return [n, n];
    case 'p': return [n];
    case 'G': return [m, n];
    case 'h': return [m];
    case 'A': return [k, n];
    case 'b': return [k];
  }
}

/** Maps 'q'/'Q', 'g'/'G', ... to the canonical argument name (tfjs serialization lowercases strings). */
export function canonicalName(raw: string, where: string): QpArgumentName {
  const hit = QP_ARGUMENT_NAMES.find((name) => name.toLowerCase() === String(raw).toLowerCase());
  if (hit === undefined) throw new ValueError(`OptNetLayer ${where}: unknown QP argument '${raw}' (expected one of ${QP_ARGUMENT_NAMES.join(', ')})`);
  return hit;
}

function expandFixed(name: QpArgumentName, value: FixedValue, shape: number[]): Float32Array {
  const size = shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(size);
  const what = `fixed.${name}`;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new ValueError(`OptNetLayer ${what} must be finite, got ${value}`);
    if (shape.length === 1) return out.fill(value);
    if (shape[0] !== shape[1]) throw new ShapeError(`OptNetLayer ${what}: a number means a multiple of the identity, which needs a square ${name}, but ${name} is ${shape.join(' x ')}`);
    for (let i = 0; i < shape[0]!; i++) out[i * shape[1]! + i] = value;
    return out;
  }
  if (!Array.isArray(value)) throw new ValueError(`OptNetLayer ${what} must be a number or nested number arrays`);
  const flat = (value as unknown[]).flat(1) as unknown[];
  const nested = shape.length === 2 ? value.length === shape[0] && value.every((row) => Array.isArray(row) && row.length === shape[1]) : value.every((v) => typeof v === 'number');
  if (!nested || flat.length !== size) {
    throw new ShapeError(`OptNetLayer ${what} must have shape [${shape.join(', ')}]${shape.length === 2 ? ' (nested rows)' : ''}`);
  }
  flat.forEach((v, i) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new ValueError(`OptNetLayer ${what} has a non-finite or non-numeric entry ${String(v)} at flat index ${i}`);
    out[i] = v;
  });
  return out;
}

/**
 * Validates the structure of an OptNet layer and applies the defaults:
 * nIneq = nEq = 0, inputs = ['p'], nothing fixed (every other present
 * argument learned), eps = 1e-3, feasiblePoint = 'free', random seed.
 * Throws `ShapeError`/`ValueError` naming the bad option.
 */
export function resolveOptNetStructure(args: OptNetStructure): ResolvedOptNetStructure {
  const n = args.nVariables;
  const m = args.nIneq ?? 0;
  const k = args.nEq ?? 0;
  for (const [what, v, min] of [['nVariables', n, 1], ['nIneq', m, 0], ['nEq', k, 0]] as const) {
    if (!Number.isInteger(v) || v < min || v > MAX_QP_SIZE) throw new ValueError(`OptNetLayer ${what} must be an integer in [${min}, ${MAX_QP_SIZE}], got ${String(v)}`);
  }
  const rawInputs: unknown = args.inputs ?? ['p'];
  // A loaded config can hold anything here: reject a non-list before mapping over it.
  if (!Array.isArray(rawInputs)) throw new ValueError(`OptNetLayer inputs must be a list of QP argument names, got ${JSON.stringify(rawInputs)}`);
  const inputs = rawInputs.map((raw: unknown) => canonicalName(raw as string, 'inputs'));
  if (inputs.length === 0) throw new ValueError('OptNetLayer inputs must name at least one QP argument (a layer needs an input)');
  if (new Set(inputs).size !== inputs.length) throw new ValueError(`OptNetLayer inputs lists an argument twice: ${inputs.join(', ')}`);
  const constants: Partial<Record<QpArgumentName, Float32Array>> = {};
  const fixedConfig: Record<string, FixedValue> = {};
  for (const [raw, value] of Object.entries(args.fixed ?? {})) {
    if (value === undefined || value === null) continue;
    const name = canonicalName(raw, 'fixed');
    if (argumentShape(name, n, m, k)[0] === 0) {
      throw new ValueError(`OptNetLayer argument ${name} is given but the layer has ${name === 'G' || name === 'h' ? 'nIneq' : 'nEq'} = 0`);
    }
    if (inputs.includes(name)) throw new ValueError(`OptNetLayer argument ${name} is both fixed and an input`);
    constants[name] = expandFixed(name, value, argumentShape(name, n, m, k));
    fixedConfig[name.toLowerCase()] = value;
  }
  const source = {} as Record<QpArgumentName, OptNetSource>;
  for (const name of QP_ARGUMENT_NAMES) {
    const absent = ((name === 'G' || name === 'h') && m === 0) || ((name === 'A' || name === 'b') && k === 0);
    if (absent && (inputs.includes(name) || constants[name])) {
      throw new ValueError(`OptNetLayer argument ${name} is given but the layer has ${name === 'G' || name === 'h' ? 'nIneq' : 'nEq'} = 0`);
    }
    source[name] = absent ? 'absent' : inputs.includes(name) ? 'input' : constants[name] ? 'fixed' : 'learned';
  }
  const eps = args.eps ?? 1e-3;
  if (!(Number.isFinite(eps) && eps >= 0)) throw new ValueError(`OptNetLayer eps must be a finite number >= 0, got ${eps}`);
  const feasiblePoint = args.feasiblePoint ?? 'free';
  if (feasiblePoint !== 'free' && feasiblePoint !== 'positive') throw new ValueError(`OptNetLayer feasiblePoint must be 'free' or 'positive', got '${String(feasiblePoint)}'`);
  const seed = args.seed ?? undefined;
  if (seed !== undefined && !Number.isInteger(seed)) throw new ValueError(`OptNetLayer seed must be an integer, got ${seed}`);
  const qp = resolveQpLayerOptions({
    tol: args.tol ?? undefined,
    epsAbs: args.epsAbs ?? undefined,
    epsRel: args.epsRel ?? undefined,
    maxIters: args.maxIters ?? undefined,
    onSolverFailure: args.onSolverFailure ?? undefined,
    acceptInaccurate: args.acceptInaccurate ?? undefined,
    onSolve: args.onSolve,
    onBackward: args.onBackward,
  });
  return { n, nIneq: m, nEq: k, inputs, source, constants, fixedConfig, eps, feasiblePoint, seed, qp };
}
