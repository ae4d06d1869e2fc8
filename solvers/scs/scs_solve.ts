import type { ConeProgram } from '../cone_program.js';
import { validateConeProgram } from '../cone_program.js';
import { ValueError } from '../errors.js';
import type { CscMatrix } from '../sparse/csc.js';
import { STATUS_MESSAGES, type SolverStatus } from '../status.js';
import { scsModule, type RawScsSolution } from './scs_module.js';
import { resolveScsOptions, type ScsOptions } from './scs_options.js';

/** Primal-dual point of a cone program plus how the solve went. */
export interface ConeSolution {
  /** Primal variable (NaN-filled when the status is a certificate of infeasibility or unboundedness). */
  readonly x: Float64Array;
  /** Dual variable (in K*). */
  readonly y: Float64Array;
  /** Primal slack (in K), s = b - Ax. */
  readonly s: Float64Array;
  readonly status: SolverStatus;
  /** A sentence explaining the status. */
  readonly message: string;
  readonly stats: ConeSolveStats;
}

export interface ConeSolveStats {
  readonly iterations: number;
  readonly primalObjective: number;
  readonly dualObjective: number;
  readonly primalResidual: number;
  readonly dualResidual: number;
  readonly gap: number;
  readonly setupMs: number;
  readonly solveMs: number;
}

/** A previous solution used to warm-start SCS. */
export interface WarmStart {
  readonly x: ArrayLike<number>;
  readonly y: ArrayLike<number>;
  readonly s: ArrayLike<number>;
}

/** Relative residual below which an iteration-limited SCS point still counts as `optimal_inaccurate`. */
const INACCURATE_RESIDUAL = 1e-4;

// SCS 3 exit codes (scs.h). SCS reports code 2 (solved inaccurate) whenever it
// stops at the iteration or time limit without a certificate; whether that
// point is near a solution is decided here from its residuals.
function mapScsStatus(code: number, info: RawScsSolution['info'], maxIters: number): SolverStatus {
  switch (code) {
    case 1:
      return 'optimal';
    case 2: {
      if (info.iter < maxIters) return 'optimal_inaccurate';
      const scale = 1 + Math.abs(info.pobj) + Math.abs(info.dobj);
      const worst = Math.max(info.resPri, info.resDual, Math.abs(info.gap));
      return Number.isFinite(worst) && worst <= INACCURATE_RESIDUAL * scale ? 'optimal_inaccurate' : 'max_iters';
    }
    case -1:
      return 'unbounded';
    case -6:
      return 'unbounded_inaccurate';
    case -2:
      return 'infeasible';
    case -7:
      return 'infeasible_inaccurate';
    case 0:
      return 'max_iters';
    case -4: // failed
      return 'singular';
    default: // -3 indeterminate (NaN), -5 interrupted
      return 'nonfinite';
  }
}

/** The upper triangle (including the diagonal) of a symmetric CSC matrix, as SCS expects. */
function upperTriangle(p: CscMatrix): { x: Float64Array; i: Int32Array; p: Int32Array } {
  const colPtr = new Int32Array(p.cols + 1);
  const rows: number[] = [];
  const vals: number[] = [];
  for (let j = 0; j < p.cols; j++) {
    for (let k = p.colPtr[j]!; k < p.colPtr[j + 1]!; k++) {
      if (p.rowIndex[k]! <= j) {
        rows.push(p.rowIndex[k]!);
        vals.push(p.values[k]!);
      }
    }
    colPtr[j + 1] = rows.length;
  }
  return { x: Float64Array.from(vals), i: Int32Array.from(rows), p: colPtr };
}

function hasNonFinite(a: ArrayLike<number>): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i]!)) return true;
  return false;
}

/**
 * Solves `minimize 1/2 x'Px + c'x s.t. Ax + s = b, s in K` with SCS 3 (WASM).
 * Requires `loadScs()` to have resolved. Never throws for numerical failure:
 * the status says what happened. Throws `ShapeError`/`ValueError` for bad data.
 */
export function solveScs(problem: ConeProgram, options: ScsOptions = {}, warm?: WarmStart): ConeSolution {
  validateConeProgram(problem);
  const opts = resolveScsOptions(options);
  const scs = scsModule();
  const { A, b, c, P, cones } = problem;
  const m = A.rows;
  const n = A.cols;
  if (warm && (warm.x.length !== n || warm.y.length !== m || warm.s.length !== m)) {
    throw new ValueError(`warm start has sizes x ${warm.x.length}, y ${warm.y.length}, s ${warm.s.length}; expected ${n}, ${m}, ${m}`);
  }
  const data: Record<string, unknown> = { m, n, A_x: A.values, A_i: A.rowIndex, A_p: A.colPtr, b, c };
  if (P && P.values.length > 0) {
    const up = upperTriangle(P);
    data.P_x = up.x;
    data.P_i = up.i;
    data.P_p = up.p;
  }
  const cone = {
    z: cones.zero,
    l: cones.nonneg,
    q: Array.from(cones.soc),
    qsize: cones.soc.length,
    ep: cones.exp,
    ed: 0,
    p: Array.from(cones.power),
    psize: cones.power.length,
  };
  const settings = new scs.ScsSettings();
  let raw: RawScsSolution;
  try {
    scs.setDefaultSettings(settings);
    settings.epsAbs = opts.epsAbs;
    settings.epsRel = opts.epsRel;
    settings.epsInfeas = opts.epsInfeas;
    settings.maxIters = opts.maxIters;
    settings.timeLimitSecs = opts.timeLimitSecs;
    settings.normalize = opts.normalize;
    settings.scale = opts.scale;
    settings.adaptiveScale = opts.adaptiveScale;
    settings.alpha = opts.alpha;
    settings.verbose = opts.verbose ? 1 : 0;
    settings.warmStart = warm !== undefined;
    raw = warm
      ? scs.solve(data, cone, settings, { x: Array.from(warm.x), y: Array.from(warm.y), s: Array.from(warm.s) })
      : scs.solve(data, cone, settings);
  } finally {
    settings.delete();
  }
  // SCS omits the point when it returns a certificate of infeasibility/unboundedness.
  const x = raw.x ? Float64Array.from(raw.x) : new Float64Array(n).fill(NaN);
  const y = raw.y ? Float64Array.from(raw.y) : new Float64Array(m).fill(NaN);
  const s = raw.s ? Float64Array.from(raw.s) : new Float64Array(m).fill(NaN);
  let status = mapScsStatus(raw.statusVal, raw.info, opts.maxIters);
  if ((status === 'optimal' || status === 'optimal_inaccurate') && (hasNonFinite(x) || hasNonFinite(y) || hasNonFinite(s))) {
    status = 'nonfinite';
  }
  return {
    x,
    y,
    s,
    status,
    message: `SCS: ${STATUS_MESSAGES[status]} (${raw.status}, ${raw.info.iter} iterations)`,
    stats: {
      iterations: raw.info.iter,
      primalObjective: raw.info.pobj,
      dualObjective: raw.info.dobj,
      primalResidual: raw.info.resPri,
      dualResidual: raw.info.resDual,
      gap: raw.info.gap,
      setupMs: raw.info.setupTime,
      solveMs: raw.info.solveTime,
    },
  };
}
